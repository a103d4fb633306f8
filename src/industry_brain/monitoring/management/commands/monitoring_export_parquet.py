"""Export the monitoring inputs to Parquet (reports partitioned by month): `manage.py monitoring_export_parquet DIR`.
A Spark cluster or DuckDB reads the directory (`monitoring_compute --parquet DIR`)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Export the monthly reports and the rollup's small tables to Parquet, reports partitioned by month."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        from industry_brain.monitoring.extract import export_parquet

        counts = export_parquet(directory)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
