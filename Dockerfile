FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN pip install --no-cache-dir -e .
ENV PICCOLO_CONF=jinlin.piccolo_conf
EXPOSE 8000
CMD ["jinlin", "serve", "--host", "0.0.0.0", "--port", "8000"]
