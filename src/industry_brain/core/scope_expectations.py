"""Scope expectations of the core pages not declared with the site's routes (testing/scope_matrix.py SITE), as
plain dicts (read as `case(**...)`), so that core imports nothing of the test package."""


def _job(world):
    from industry_brain.core.models import ImportJob

    job = ImportJob.objects.create(user=world.user("district"), importer="industry_brain.enterprises.importers."
                                   "EnterpriseImporter", title="导入企业", filename="企业.xlsx", state="done")
    return {"pk": job.pk}


EXPECTATIONS = {
    "imports:job": {"kwargs": _job, "everyone": 404, "district": 200, "city": 200,
                    "note": "an import job and its row errors are the importing user's own (and the city's, which "
                            "sees every row it could import)"},
    "import-job-list": {"setup": _job, "everyone": 200,
                        "note": "each role lists only its own jobs (the city every job); an empty list is 200"},
    "import-job-detail": {"kwargs": _job, "everyone": 404, "district": 200, "city": 200,
                          "note": "as the job's page: the importing user's own, and the city's"},
}
