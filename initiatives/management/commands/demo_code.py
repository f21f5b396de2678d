"""Print the current two-step sign-in code of a demo staff account (embedded default only)."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiatives.management.commands.demo_data import demo_totp_key
from initiatives.management.known_credentials import add_flag, refuse_in_production


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo staff account."

    def add_arguments(self, parser):
        parser.add_argument("email")
        add_flag(parser)

    def handle(self, *args, email, **options):
        refuse_in_production(options)
        device = TOTPDevice.objects.filter(
            user__email__iexact=email, name="Demo", key=demo_totp_key(email.lower())
        ).first()
        if device is None:
            raise CommandError(f"{email} is not a demo staff account.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
