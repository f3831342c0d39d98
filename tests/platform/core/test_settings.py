import pytest

from jinlin.core.settings import SettingsError, load_settings


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"JINLIN_VAR_DIR": str(tmp_path), "JINLIN_SECRET_KEY": "k" * 40}


def test_defaults_give_an_embedded_sqlite_shape(env):
    settings = load_settings(env)
    assert settings.is_sqlite and settings.celery_eager and settings.locale == "zh_CN"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JINLIN_DATABASE_URL", "mysql://root@localhost/db"),
        ("JINLIN_DATABASE_URL", "sqlite:///"),
        ("JINLIN_DATABASE_URL", "postgresql://localhost"),
        ("JINLIN_REDIS_URL", "http://localhost:6379"),
        ("JINLIN_REDIS_URL", "redis://localhost:notaport/0"),
        ("JINLIN_SECRET_KEY", "short"),
        ("JINLIN_LOCALE", "fr"),
        ("JINLIN_DEBUG", "maybe"),
        ("JINLIN_MATCH_FANOUT_THRESHOLD", "lots"),
        ("JINLIN_MATCH_FANOUT_THRESHOLD", "0"),
        ("JINLIN_LOGIN_ATTEMPTS_PER_MINUTE", "-1"),
    ],
)
def test_each_bad_value_is_refused_naming_its_variable(env, name, value):
    with pytest.raises(SettingsError) as caught:
        load_settings({**env, name: value})
    assert str(caught.value).startswith(name)


def test_good_values_are_read(env):
    settings = load_settings(
        {
            **env,
            "JINLIN_DATABASE_URL": "postgresql://u:p@db:5432/jinlin",
            "JINLIN_REDIS_URL": "redis://cache:6379/0",
            "JINLIN_LOCALE": "en",
            "JINLIN_DEBUG": "1",
            "JINLIN_LOGIN_ATTEMPTS_PER_MINUTE": "9",
        }
    )
    assert not settings.is_sqlite and not settings.celery_eager
    assert settings.locale == "en" and settings.debug and settings.login_attempts_per_minute == 9


def test_a_generated_secret_key_is_kept_across_loads(tmp_path):
    first = load_settings({"JINLIN_VAR_DIR": str(tmp_path)}).secret_key
    assert len(first) >= 32
    assert load_settings({"JINLIN_VAR_DIR": str(tmp_path)}).secret_key == first
