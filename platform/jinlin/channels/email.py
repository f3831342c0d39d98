"""E-mail over SMTP with the standard library (run in a thread: smtplib blocks)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from jinlin.channels.base import Message, PermanentFailure, TemporaryFailure
from jinlin.channels.settings import ChannelSettings


def build_email(sender: str, address: str, message: Message) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr(("近邻 Jinlin", sender))
    mail["To"] = address
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    mail["Content-Language"] = "zh-CN" if message.locale == "zh_CN" else "en"
    body = message.body
    if message.link:
        body += f"\n\n{message.link}"
    if message.unsubscribe_url:
        # RFC 2369: mail clients show their own unsubscribe button, which opens our one-step page.
        mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        body += f"\n\n{'退订此类通知' if message.locale == 'zh_CN' else 'Unsubscribe'}: {message.unsubscribe_url}"
    mail.set_content(body, charset="utf-8")
    return mail


class EmailChannel:
    name = "email"

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings

    def _send_sync(self, mail: EmailMessage) -> str:
        s = self.settings
        try:
            if s.smtp_tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.timeout_s, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_s)
            with smtp:
                if s.smtp_tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure("the mail server refused the address") from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentFailure("the mail server refused our login") from exc
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TemporaryFailure
            raise failure(f"SMTP {exc.smtp_code}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP unavailable: {type(exc).__name__}") from exc
        if refused:
            raise PermanentFailure("the mail server refused the address")
        return str(mail["Message-ID"])

    async def send(self, address: str, message: Message) -> str:
        if not self.settings.smtp_host:
            raise PermanentFailure("e-mail is not configured (JINLIN_SMTP_HOST)")
        mail = build_email(self.settings.smtp_sender, address, message)
        return await asyncio.to_thread(self._send_sync, mail)
