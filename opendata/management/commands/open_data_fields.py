"""Print the datasets' fields as Markdown (opendata/fields_markdown.py), to paste into
docs/open-data.md when a field is added."""

from django.core.management.base import BaseCommand

from opendata.fields_markdown import fields_markdown


class Command(BaseCommand):
    help = "Print the open data's fields as Markdown for docs/open-data.md."

    def handle(self, *args, **options):
        self.stdout.write(fields_markdown())
