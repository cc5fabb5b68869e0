"""Application settings read from the environment, with safe development defaults."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("RECRUIT_INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: Development-only keys, published with the code: real installations set their own.
_DEV_PII_KEY = "v9oLW33F3PRx-pWc9b19No-EZrpBbtT10oN7-kdpUgA="
_DEV_PII_HASH_KEY = "dev-only-pii-hash-key"


def _pii_keys() -> list[str]:
    raw = os.environ.get("RECRUIT_PII_KEYS", "")
    return [key.strip() for key in raw.split(",") if key.strip()]


def _channel_hosts() -> list[str]:
    raw = os.environ.get("CHANNEL_ALLOWED_HOSTS", "")
    return [host.strip().lower() for host in raw.split(",") if host.strip()]


#: The request and answer of an Alibaba Cloud SendSms-shaped gateway (dysmsapi): the names
#: of its fields, what "accepted" looks like, and whether TemplateParam is a JSON string.
_SMS_FIELDS = {
    "phone": "PhoneNumbers",
    "sign_name": "SignName",
    "template": "TemplateCode",
    "params": "TemplateParam",
    "params_as_string": True,
    "code": "Code",
    "ok_code": "OK",
    "message": "Message",
    "message_id": "BizId",
}


def _json_env(name: str) -> dict:
    raw = os.environ.get(name, "").strip()
    return json.loads(raw) if raw else {}


def notify_settings_problems(environ=os.environ) -> list[str]:
    """What production lacks to deliver notifications (empty when it may start)."""
    problems = []
    sms = environ.get("NOTIFY_SMS_PROVIDER", "outbox")
    mail = environ.get("NOTIFY_EMAIL_PROVIDER", "outbox")
    outbox_ok = environ.get("RECRUIT_NOTIFY_OUTBOX_OK", "").strip().lower() in {"1", "true", "yes"}
    if "outbox" in (sms, mail) and not outbox_ok:
        problems.append(
            "生产环境的短信和邮件不能只留在本机发件箱（outbox）：请设置 "
            "NOTIFY_SMS_PROVIDER=sms.http 和 NOTIFY_EMAIL_PROVIDER=email.smtp；"
            "确需不发送时设置 RECRUIT_NOTIFY_OUTBOX_OK=1"
        )
    if sms not in ("outbox", "sms.http"):
        problems.append(f"NOTIFY_SMS_PROVIDER 只能是 outbox 或 sms.http，现为 {sms}")
    if mail not in ("outbox", "email.smtp"):
        problems.append(f"NOTIFY_EMAIL_PROVIDER 只能是 outbox 或 email.smtp，现为 {mail}")
    if sms == "sms.http":
        problems += [
            f"短信网关需要 {n}"
            for n in ("NOTIFY_SMS_URL", "RECRUIT_SMS_TOKEN")
            if not environ.get(n)
        ]
    if mail == "email.smtp":
        problems += [
            f"邮件发送需要 {n}"
            for n in ("NOTIFY_SMTP_HOST", "NOTIFY_EMAIL_FROM")
            if not environ.get(n)
        ]
    return problems


class Config:
    """Development defaults: SQLite in the instance folder, a throwaway secret key."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'recruit.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = _bool("SQLALCHEMY_RECORD_QUERIES")

    #: Serve Bootstrap from the installed bootstrap-flask package, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None

    TIMEZONE = "Asia/Shanghai"
    #: The city whose bureau runs this installation (GB/T 2260).
    CITY_REGION_CODE = os.environ.get("CITY_REGION_CODE", "430200")

    #: Credit rule of DESIGN §2: this many no-shows within the window blocks fair sign-up.
    NO_SHOW_LIMIT = int(os.environ.get("NO_SHOW_LIMIT", "2"))
    NO_SHOW_WINDOW_DAYS = int(os.environ.get("NO_SHOW_WINDOW_DAYS", "365"))
    NO_SHOW_BLOCK_DAYS = int(os.environ.get("NO_SHOW_BLOCK_DAYS", "90"))

    #: Local minimum monthly wage (CNY) by region; a position's salary may not be below it.
    #: These are configuration, not law in code: check them with the bureau when the province
    #: revises its standard. Hunan's 2025 class-1 standard is 2100 for the urban districts and
    #: 醴陵; 攸县, 茶陵 and 炎陵 are set at 1900. A region not listed uses its parent's value.
    MINIMUM_MONTHLY_WAGE = {
        "430200": 2100,
        "430202": 2100,
        "430203": 2100,
        "430204": 2100,
        "430211": 2100,
        "430212": 2100,
        "430281": 2100,
        "430223": 1900,
        "430224": 1900,
        "430225": 1900,
    }
    #: A position may be posted for at most this many days ahead.
    POSITION_MAX_VALID_DAYS = 365
    #: Rows per page on the public search and the employer's lists.
    PAGE_SIZE = 20
    #: Public address of this site; the posting documents link to {PUBLIC_BASE_URL}/positions/<id>.
    #: Without it, the address `flask run` serves on (FLASK_RUN_HOST/PORT, as `make run` sets).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or (
        f"http://{os.environ.get('FLASK_RUN_HOST', '127.0.0.1')}:"
        f"{os.environ.get('FLASK_RUN_PORT', '5000')}"
    )
    #: Channel sync (DESIGN §4): timeouts in seconds, backoff base, stale heartbeat age.
    SYNC_CONNECT_TIMEOUT = float(os.environ.get("SYNC_CONNECT_TIMEOUT", "5"))
    SYNC_READ_TIMEOUT = float(os.environ.get("SYNC_READ_TIMEOUT", "30"))
    SYNC_BACKOFF_BASE = float(os.environ.get("SYNC_BACKOFF_BASE", "0.5"))
    #: A running sync whose heartbeat is older than this (seconds) is taken over.
    SYNC_STALE_AFTER = int(os.environ.get("SYNC_STALE_AFTER", "60"))
    #: The scheduler looks for queued, due, dead and missed runs this often (seconds).
    SYNC_WATCH_SECONDS = float(os.environ.get("SYNC_WATCH_SECONDS", "10"))
    #: An unfinished weekly run tries again after these delays (seconds: 5 min, 15 min, 1 h,
    #: then every 4 h), unless the portal's Retry-After asked for a time.
    SYNC_FOLLOW_UPS = [
        int(s) for s in os.environ.get("SYNC_FOLLOW_UPS", "300,900,3600,14400").split(",")
    ]
    #: Hosts a channel may reach over plain http (https reaches any host). Development and
    #: tests also allow loopback, where the reference receiver listens.
    CHANNEL_ALLOWED_HOSTS = [*_channel_hosts(), "127.0.0.1", "localhost", "::1"]
    #: The changes feed (/api/v1/postings/changes): how often a read compares every posting
    #: with its last logged document (employer and fair edits), and how long superseded
    #: entries are kept before a cursor that old answers 410.
    CHANGES_FULL_CHECK_SECONDS = float(os.environ.get("CHANGES_FULL_CHECK_SECONDS", "60"))
    CHANGES_RETENTION_DAYS = int(os.environ.get("CHANGES_RETENTION_DAYS", "30"))
    #: `make run` only: run the scheduler inside the single development process.
    EMBED_SCHEDULER = _bool("RECRUIT_EMBED_SCHEDULER")

    #: Notifications (DESIGN §9). Providers: "outbox" (development default: nothing leaves the
    #: machine; /admin/outbox and `flask notify outbox` show it), "sms.http", "email.smtp".
    NOTIFY_SMS_PROVIDER = os.environ.get("NOTIFY_SMS_PROVIDER", "outbox")
    NOTIFY_EMAIL_PROVIDER = os.environ.get("NOTIFY_EMAIL_PROVIDER", "outbox")
    #: sms.http: the gateway's URL, the sign name (签名) and the bearer token.
    NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
    NOTIFY_SMS_SIGN_NAME = os.environ.get("NOTIFY_SMS_SIGN_NAME", "株洲招聘会")
    NOTIFY_SMS_TOKEN = os.environ.get("RECRUIT_SMS_TOKEN", "")
    NOTIFY_SMS_CONNECT_TIMEOUT = float(os.environ.get("NOTIFY_SMS_CONNECT_TIMEOUT", "5"))
    NOTIFY_SMS_READ_TIMEOUT = float(os.environ.get("NOTIFY_SMS_READ_TIMEOUT", "10"))
    #: The gateway's field names (Alibaba Cloud SendSms shape); NOTIFY_SMS_FIELDS (JSON) overrides
    #: any of them, so another gateway is a settings change. See recruit/notify/providers.py.
    NOTIFY_SMS_FIELDS = {**_SMS_FIELDS, **_json_env("NOTIFY_SMS_FIELDS")}
    #: email.smtp: STARTTLS on NOTIFY_SMTP_PORT; the sender address; an extra CA file if the
    #: server's certificate is not signed by a public CA.
    NOTIFY_SMTP_HOST = os.environ.get("NOTIFY_SMTP_HOST", "")
    NOTIFY_SMTP_PORT = int(os.environ.get("NOTIFY_SMTP_PORT", "587"))
    NOTIFY_SMTP_USER = os.environ.get("NOTIFY_SMTP_USER", "")
    NOTIFY_SMTP_PASSWORD = os.environ.get("NOTIFY_SMTP_PASSWORD", "")
    NOTIFY_SMTP_CA_FILE = os.environ.get("NOTIFY_SMTP_CA_FILE") or None
    NOTIFY_SMTP_TIMEOUT = float(os.environ.get("NOTIFY_SMTP_TIMEOUT", "15"))
    NOTIFY_EMAIL_FROM = os.environ.get("NOTIFY_EMAIL_FROM", "noreply@localhost")
    #: Delivery: attempts before a message is given up as failed, the waits between them
    #: (seconds; the last repeats), how long a worker's claim on a row lasts, rows per step.
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))
    NOTIFY_BACKOFF = [
        int(s) for s in os.environ.get("NOTIFY_BACKOFF", "60,300,900,3600,14400").split(",")
    ]
    NOTIFY_CLAIM_SECONDS = int(os.environ.get("NOTIFY_CLAIM_SECONDS", "300"))
    NOTIFY_BATCH = int(os.environ.get("NOTIFY_BATCH", "100"))

    PASSWORD_MIN_LENGTH = 8
    #: Days an API token lives unless the request asks for fewer.
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

    #: ASCII: generated clients derive their package name from it (recruit_api_client); the
    #: Chinese description is the document's info.description (recruit/api/registry.py).
    API_TITLE = "Recruit API"
    #: Semantic: the minor grows with each compatible addition; paths stay under /api/v1.
    API_VERSION = "1.1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    #: Sign-in throttling: failures allowed per account and per address within the window.
    LOGIN_MAX_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_PER_ACCOUNT", "5"))
    LOGIN_MAX_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_PER_ADDRESS", "30"))
    LOGIN_THROTTLE_MINUTES = int(os.environ.get("LOGIN_THROTTLE_MINUTES", "15"))
    #: A browser or API client that signed in is known to that account this many days (its
    #: device cookie): strangers' failures never pause the account for it.
    LOGIN_DEVICE_DAYS = int(os.environ.get("LOGIN_DEVICE_DAYS", "180"))
    #: Password reset (忘记密码) and contact verification: a 6-digit SMS code lives this many
    #: minutes and allows this many tries; an e-mailed link lives this long.
    RESET_CODE_MINUTES = int(os.environ.get("RESET_CODE_MINUTES", "5"))
    RESET_CODE_TRIES = int(os.environ.get("RESET_CODE_TRIES", "5"))
    RESET_LINK_MINUTES = int(os.environ.get("RESET_LINK_MINUTES", "30"))
    CONTACT_CODE_MINUTES = int(os.environ.get("CONTACT_CODE_MINUTES", "10"))
    CONTACT_LINK_HOURS = int(os.environ.get("CONTACT_LINK_HOURS", "24"))
    #: Seekers (DESIGN §7): token lifetime, what the phone pages and the mini program may send
    #: per window (a venue's Wi-Fi puts a whole fair behind one address: 5,000 entries in the
    #: opening hour is ~830 per 10 minutes, so the address limit only stops a flood), and when
    #: a mobile must be proven by a code before an application leaves: "auto" (when an SMS
    #: gateway is configured), "on" or "off".
    SEEKER_TOKEN_DAYS = int(os.environ.get("SEEKER_TOKEN_DAYS", "30"))
    SEEKER_LIMIT_MINUTES = int(os.environ.get("SEEKER_LIMIT_MINUTES", "10"))
    SEEKER_ENTRIES_PER_ADDRESS = int(os.environ.get("SEEKER_ENTRIES_PER_ADDRESS", "3000"))
    SEEKER_ENTRIES_PER_PHONE = int(os.environ.get("SEEKER_ENTRIES_PER_PHONE", "10"))
    SEEKER_APPLICATIONS_PER_SEEKER = int(os.environ.get("SEEKER_APPLICATIONS_PER_SEEKER", "30"))
    SEEKER_CODES_PER_SEEKER = int(os.environ.get("SEEKER_CODES_PER_SEEKER", "3"))
    SEEKER_PHONE_VERIFICATION = os.environ.get("SEEKER_PHONE_VERIFICATION", "auto")
    #: Within this window an account gets at most this many codes or links, and one client
    #: address may ask (or type a wrong code) this many times.
    CONTACT_LIMIT_MINUTES = int(os.environ.get("CONTACT_LIMIT_MINUTES", "60"))
    CONTACT_MAX_SENDS_PER_ACCOUNT = int(os.environ.get("CONTACT_MAX_SENDS_PER_ACCOUNT", "3"))
    CONTACT_MAX_PER_ADDRESS = int(os.environ.get("CONTACT_MAX_PER_ADDRESS", "20"))
    #: Every cookie is first-party only: no other site's request carries the session.
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Behind a reverse proxy: how many proxies set X-Forwarded-For/Proto/Host (0 = none).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    #: Host names the app answers to (Flask checks them); empty = any, for development.
    TRUSTED_HOSTS = [h for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h] or None
    #: SQLite backups kept in instance/backups by `flask db backup`.
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
    #: Fernet keys for seekers' phone and ID numbers (RECRUIT_PII_KEYS, comma-separated, the
    #: first encrypts, all decrypt) and the HMAC key of their duplicate-detection hashes.
    PII_KEYS = _pii_keys() or [_DEV_PII_KEY]
    PII_HASH_KEY = os.environ.get("RECRUIT_PII_HASH_KEY", _DEV_PII_HASH_KEY)
    #: Seekers' phone and ID numbers are removed this many months after the fair (counts stay).
    PII_RETENTION_MONTHS = int(os.environ.get("PII_RETENTION_MONTHS", "24"))
    #: Exports with personal information need a sign-in at most this many minutes old.
    RECENT_LOGIN_MINUTES = int(os.environ.get("RECENT_LOGIN_MINUTES", "15"))
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024


class TestingConfig(Config):
    """Settings for the test suite: the database comes from TEST_DATABASE_URL or a SQLite file."""

    TESTING = True
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    SYNC_BACKOFF_BASE = 0.01
    SYNC_READ_TIMEOUT = 2.0


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key and database."""

    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    REMEMBER_COOKIE_DURATION = 7 * 24 * 60 * 60
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: gunicorn workers never start a scheduler; `flask jobs run` is its own process.
    EMBED_SCHEDULER = False
    #: Only the hosts the operator lists; loopback is not allowed by default here.
    CHANNEL_ALLOWED_HOSTS = _channel_hosts()

    def __init__(self) -> None:
        required = (
            "SECRET_KEY",
            "DATABASE_URL",
            "RECRUIT_PII_KEYS",
            "RECRUIT_PII_HASH_KEY",
            # What portals, feeds and search engines link to: never a guess from a request.
            "PUBLIC_BASE_URL",
        )
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError("生产环境必须设置这些环境变量：" + "、".join(missing))
        notify_problems = notify_settings_problems()
        if notify_problems:
            raise RuntimeError("消息通知设置不完整：" + "；".join(notify_problems) + "。")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.PII_KEYS = _pii_keys()
        self.PII_HASH_KEY = os.environ["RECRUIT_PII_HASH_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.PUBLIC_BASE_URL = os.environ["PUBLIC_BASE_URL"]


CONFIGS = {
    "development": Config,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
