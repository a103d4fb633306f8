"""Recompute the stored indicator table: `manage.py monitoring_compute [--engine duckdb|pyspark] [--parquet DIR]
[--spark-master spark://host:7077]`."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute the indicators from the monthly reports (DuckDB by default, or PySpark)."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["duckdb", "pyspark"], default="duckdb")
        parser.add_argument("--parquet", default=None, help="read the inputs from this Parquet export (DuckDB)")
        parser.add_argument("--spark-master", default=None)

    def handle(self, *args, engine, parquet, spark_master, **options):
        from industry_brain.monitoring import services
        from industry_brain.monitoring.extract import spark_session

        spark = spark_session(spark_master) if engine == "pyspark" else None
        run = services.compute_indicators(engine=engine, spark=spark, parquet_dir=parquet)
        self.stdout.write(f"{run.rows_out} indicator rows from {run.rows_in} reports in {run.seconds:.2f}s ({engine})")
