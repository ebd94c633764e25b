"""``legacy-stt check``: lint legacy payloads and find legacy calls in code.

The checker fills a ``CheckResult`` with ``Finding`` objects; reporters
(``REPORTERS_BY_NAME``) render it as text, JSON, GitHub annotations or
SARIF. Programmatic use::

    from legacy_stt.lint import Checker, REPORTERS_BY_NAME

    result = Checker(target="nova-3").check(["payloads/"])
    REPORTERS_BY_NAME["text"](sys.stdout).report(result)
    sys.exit(result.exit_status())

or, so that memory does not grow with the number of findings (as the
command does), hand them to the reporter as they are found::

    reporter = REPORTERS_BY_NAME["json"](sys.stdout)
    reporter.start()
    result = Checker().check(["payloads/"], sink=reporter.emit)
    reporter.finish(result)

A project's ``[tool.legacy-stt]`` table and suppression comments apply when
the checker is given a policy: ``Checker(policy=FindingPolicy(load_config()))``.
"""

from .checker import Checker, lint_payload
from .config import FindingPolicy, LintConfig, load_config
from .reporters import REPORTERS_BY_NAME, Reporter
from .result import ERROR, INFO, WARNING, CheckResult, Finding
from .rules import RULES, Rule

__all__ = [
    "Checker",
    "lint_payload",
    "FindingPolicy",
    "LintConfig",
    "load_config",
    "CheckResult",
    "Finding",
    "ERROR",
    "WARNING",
    "INFO",
    "Reporter",
    "REPORTERS_BY_NAME",
    "RULES",
    "Rule",
]
