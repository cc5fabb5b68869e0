"""Where messages go: an SMS gateway over HTTP, an SMTP server, or nowhere (the outbox).

Chosen by NOTIFY_SMS_PROVIDER and NOTIFY_EMAIL_PROVIDER. A provider either returns the id
its other side gave the message (acknowledged: never sent again) or raises DeliveryError with
the other side's answer, which the worker records and retries later.

sms.http speaks the shape of Alibaba Cloud's SendSms (dysmsapi) as most Chinese gateways and
in-house SMS relays do: a POST of JSON

    {"PhoneNumbers": "13800000000", "SignName": "株洲招聘会",
     "TemplateCode": "SMS_RECRUIT_001", "TemplateParam": "{\\"employer\\": \\"…\\"}"}

with ``Authorization: Bearer <RECRUIT_SMS_TOKEN>``, answered by

    {"Code": "OK", "Message": "OK", "BizId": "9006…", "RequestId": "…"}

Any other Code is a refusal (its Message is recorded). Every field name, the accepted code
and whether TemplateParam is a JSON string or an object are NOTIFY_SMS_FIELDS settings, so a
Tencent Cloud-style relay (PhoneNumberSet, SignName, TemplateId, TemplateParamSet …) or
another gateway is a change of settings, not of code.
"""

import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import requests

from recruit.notify.models import NotifyChannel
from recruit.notify.templates import Rendered, get_template


class DeliveryError(Exception):
    """The provider did not take the message; the text is recorded on the row."""


@dataclass(frozen=True)
class Outgoing:
    """What a provider needs of one outbox row."""

    id: int
    channel: NotifyChannel
    address: str
    template: str
    params: dict[str, str]
    rendered: Rendered


class OutboxProvider:
    """Development default: nothing leaves the machine; the row itself is the message."""

    name = "outbox"

    def send(self, message: Outgoing) -> str:
        return f"outbox-{message.id}"


class HttpSmsProvider:
    name = "sms.http"

    def __init__(self, config) -> None:
        self.url = config["NOTIFY_SMS_URL"]
        self.sign_name = config["NOTIFY_SMS_SIGN_NAME"]
        self.token = config["NOTIFY_SMS_TOKEN"]
        self.timeout = (config["NOTIFY_SMS_CONNECT_TIMEOUT"], config["NOTIFY_SMS_READ_TIMEOUT"])
        self.fields = config["NOTIFY_SMS_FIELDS"]

    def send(self, message: Outgoing) -> str:
        spec = get_template(message.template)
        if not spec.sms_template:
            raise DeliveryError(f"模板 {message.template} 没有配置短信网关模板编号（sms_template）")
        if not self.url:
            raise DeliveryError("未配置短信网关地址 NOTIFY_SMS_URL")
        f = self.fields
        used = spec.variables(NotifyChannel.SMS)
        params = {k: v for k, v in message.params.items() if k in used}
        body = {
            f["phone"]: message.address,
            f["sign_name"]: self.sign_name,
            f["template"]: spec.sms_template,
            f["params"]: (
                json.dumps(params, ensure_ascii=False) if f["params_as_string"] else params
            ),
        }
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = requests.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise DeliveryError("短信网关超时未应答") from None
        except requests.RequestException as error:
            raise DeliveryError(f"无法连接短信网关：{type(error).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise DeliveryError(f"短信网关应答无法识别（HTTP {response.status_code}）")
        code = str(answer.get(f["code"], ""))
        if response.status_code >= 400 or code != str(f["ok_code"]):
            text = str(answer.get(f["message"], ""))[:300]
            raise DeliveryError(f"短信网关拒绝（HTTP {response.status_code}，{code}）：{text}")
        return str(answer.get(f["message_id"]) or "")[:100]


class SmtpProvider:
    name = "email.smtp"

    def __init__(self, config) -> None:
        self.host = config["NOTIFY_SMTP_HOST"]
        self.port = config["NOTIFY_SMTP_PORT"]
        self.user = config["NOTIFY_SMTP_USER"]
        self.password = config["NOTIFY_SMTP_PASSWORD"]
        self.ca_file = config["NOTIFY_SMTP_CA_FILE"]
        self.timeout = config["NOTIFY_SMTP_TIMEOUT"]
        self.sender = config["NOTIFY_EMAIL_FROM"]

    def send(self, message: Outgoing) -> str:
        if not self.host:
            raise DeliveryError("未配置邮件服务器 NOTIFY_SMTP_HOST")
        mail = EmailMessage()
        mail["From"] = formataddr(("株洲招聘会服务平台", self.sender))
        mail["To"] = message.address
        mail["Subject"] = message.rendered.subject or ""
        message_id = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail["Message-ID"] = message_id
        mail.set_content(message.rendered.body)
        context = ssl.create_default_context(cafile=self.ca_file)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.starttls(context=context)
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"邮件服务器拒绝（{error.smtp_code}）") from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("邮件服务器拒绝了收件地址") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"邮件发送失败：{type(error).__name__}") from None
        return message_id[:100]


def provider_for(channel: NotifyChannel, config):
    """The provider configured for a channel."""
    if channel is NotifyChannel.SMS:
        name = config["NOTIFY_SMS_PROVIDER"]
        if name == "sms.http":
            return HttpSmsProvider(config)
    else:
        name = config["NOTIFY_EMAIL_PROVIDER"]
        if name == "email.smtp":
            return SmtpProvider(config)
    if name == "outbox":
        return OutboxProvider()
    raise RuntimeError(f"Unknown notification provider {name!r} for {channel.value}")
