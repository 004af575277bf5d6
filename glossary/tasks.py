"""Tasks for the queue's worker (`manage.py db_worker`): thin, by job id.

The work and its bookkeeping live in `services.jobs`; a task only carries a
job's id across the queue, so its arguments stay small JSON.
"""

from django_tasks import task

from .services.jobs import job_run


@task()
def run_job(job_id: int) -> str:
    """Run one `Job` to its end; the result the queue keeps is its state."""
    return job_run(job_id=job_id).state
