"""Send one message through a Slack Provider with slack-sdk, and say whether it arrived.

Token mode (``channel`` set): ``slack_sdk.WebClient`` posts to the provider's ``address`` (Slack's
chat.postMessage by default, or any compatible endpoint, as in Flux). Webhook mode: the incoming-webhook
URL (the connection's password, else ``address``) through ``slack_sdk.webhook.WebhookClient``.
Both retry connection errors and 5xx a little, and honour 429 ``Retry-After`` (slack-sdk's
RateLimitErrorRetryHandler) up to a bound, so a notify task never sleeps for an hour. Delivery never
raises: a Slack outage must not fail a deploy, so the result records that the message was not
delivered and why, with the secret masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from airflux.notify.message import Message, scrub
from airflux.specs.notification import Provider


@dataclass(frozen=True, kw_only=True)
class DeliveryOptions:
    rate_limit_retries: int = 3
    max_retry_after: float = 30.0  # seconds; a longer Retry-After gives up (not delivered, says so)
    connection_retries: int = 2
    server_error_retries: int = 1


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """The outcome of sending one message through one provider for one alert (safe for XCom)."""

    alert: str
    provider: str
    mode: str  # token | webhook
    delivered: bool
    error: str = ""
    reminder: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"alert": self.alert, "provider": self.provider, "mode": self.mode, "delivered": self.delivered,
                "error": self.error, "reminder": self.reminder}


class BoundedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (sleeps Retry-After, then retries), refusing waits longer than ``max_wait``."""

    def __init__(self, *, max_retry_count: int, max_wait: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
        try:
            wait = float(values[0])
        except (ValueError, IndexError):
            wait = 1.0
        return wait <= self.max_wait


def retry_handlers(options: DeliveryOptions) -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=options.connection_retries),
        BoundedRateLimitHandler(max_retry_count=options.rate_limit_retries, max_wait=options.max_retry_after),
        ServerErrorRetryHandler(max_retry_count=options.server_error_retries),
    ]


def secret_values(secret: str | None) -> tuple[str, ...]:
    """The secret and, for a webhook URL, its path (the part that authorises posting)."""
    if not secret:
        return ()
    values = [secret]
    if "://" in secret:
        path = urlsplit(secret).path.strip("/")
        if len(path) >= 8:
            values.append(path)
    return tuple(values)


def webhook_url(provider: Provider, secret: str | None) -> str | None:
    return secret if secret and "://" in secret else provider.address


def send(provider: Provider, message: Message, *, secret: str | None, alert: str,
         options: DeliveryOptions | None = None) -> Delivery:
    """Post ``message``; never raises. ``secret`` is the bot token (token mode) or webhook URL."""
    options = options or DeliveryOptions()
    ident = provider.ident
    secrets = secret_values(secret)
    mode = "token" if provider.token_mode else "webhook"
    payload = message.payload()
    if provider.username:
        payload["username"] = provider.username
    timeout = max(1, int(provider.timeout.total_seconds()))
    try:
        if provider.token_mode:
            error = _post_token(provider, payload, secret or "", timeout, options)
        else:
            error = _post_webhook(provider, payload, secret, timeout, options)
    except Exception as exc:  # any failure to reach Slack is "not delivered", never a crash
        error = f"{type(exc).__name__}: {exc}"
    return Delivery(alert=alert, provider=ident, mode=mode, delivered=not error,
                    error=scrub(error, secrets)[:500] if error else "")


def _post_token(provider: Provider, payload: dict[str, Any], token: str, timeout: int,
                options: DeliveryOptions) -> str:
    address = provider.address or "https://slack.com/api/chat.postMessage"
    base, _, method = address.rstrip("/").rpartition("/")
    client = WebClient(token=token, base_url=f"{base}/", timeout=timeout, retry_handlers=retry_handlers(options))
    try:
        client.api_call(method, json={"channel": provider.channel, **payload})
    except SlackApiError as exc:
        return f"Slack answered {exc.response.status_code}: {exc.response.get('error') or 'error'}"
    return ""


def _post_webhook(provider: Provider, payload: dict[str, Any], secret: str | None, timeout: int,
                  options: DeliveryOptions) -> str:
    url = webhook_url(provider, secret)
    if not url:
        return "no webhook URL: set spec.address or put the URL in the secretRef connection's password"
    client = WebhookClient(url=url, timeout=timeout, retry_handlers=retry_handlers(options))
    response = client.send_dict(payload)
    if response.status_code != 200:
        return f"Slack answered {response.status_code}: {(response.body or '')[:200]}"
    return ""
