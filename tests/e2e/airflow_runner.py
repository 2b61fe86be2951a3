"""A long-lived Airflow process that runs ``dag.test()`` on request, for the end-to-end tests.

Airflow takes seconds to import and configure; paying that once per session instead of once per
DAG run keeps the e2e suite fast. The process reads one JSON request per line on stdin
(``dag_id``, ``conf``, ``env`` for Airflux such as ``AIRFLUX_APPS_DIR``/``AIRFLUX_HOME``/
``KUBECONFIG``, and ``log`` — a file that gets everything the run prints, task logs included) and
answers with one ``RESULT {...}`` line on its real stdout. It is what ``airflow dags test`` does,
minus the start-up.
"""

from __future__ import annotations

import json
import os
import sys
import traceback


def run(request: dict) -> dict:
    saved = dict(os.environ)
    os.environ.update(request.get("env") or {})
    try:
        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag()
        dag = bag.dags.get(request["dag_id"])
        if dag is None:
            return {"error": f"no DAG {request['dag_id']}; import errors: {bag.import_errors}"}
        dr = dag.test(run_conf=request.get("conf"))
        return {"state": str(dr.state), "run_id": dr.run_id}
    finally:  # one run's settings (KUBECONFIG, connections) never leak into the next
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    real_out, real_err = os.dup(1), os.dup(2)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        log_fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        try:
            answer = run(request)
        except BaseException:  # report everything: the test shows it, the runner stays usable
            answer = {"error": traceback.format_exc()}
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(real_out, 1)
            os.dup2(real_err, 2)
            os.close(log_fd)
        sys.stdout.write("RESULT " + json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
