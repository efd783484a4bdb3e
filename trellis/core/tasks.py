"""Background tasks of the core app (Huey)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from huey.contrib.djhuey import db_task

from trellis.core.models import Notification


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or n.emailed_at is not None:
        return
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    footer = "\n\n—\nTrellis. You can read this message in your inbox when you sign in."
    send_mail(n.subject, f"{n.body}{link}{footer}", None, [n.recipient.email])
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
