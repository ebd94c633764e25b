"""From a legacy payload to the create request that will be sent: one function for everyone.

The client, ``legacy-stt migrate`` and ``legacy-stt check --target`` all
call ``plan_request``, so what the linter reports is exactly what a call
would do. Pure: no I/O beyond reading the shipped schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from ..adapters.base import ModelAdapter
from ..exceptions import PayloadError, Problem
from .validation import ParameterNotice, PayloadReport, inspect_payload

__all__ = ["Target", "RequestPlan", "plan_request", "choose_target"]

#: One target model id for every payload, or legacy model id -> target model id.
Target = Union[str, Mapping[str, str], None]


@dataclass
class RequestPlan:
    """What will be sent for one legacy payload, and what the caller should hear about it."""

    report: PayloadReport
    adapter: ModelAdapter
    model: str
    body: dict[str, Any]
    notices: list[ParameterNotice] = field(default_factory=list)
    #: The target's create schema accepted ``body`` as planned (no need to check it again).
    body_valid: bool = False

    @property
    def upload_field(self) -> str:
        return self.adapter.upload_field

    def lossy_problems(self) -> list[Problem]:
        return [notice.as_problem() for notice in self.notices if notice.lossy]


def choose_target(legacy_model: str, target: Target) -> str | None:
    """The target model id for a payload naming ``legacy_model`` (``None``: its own family)."""
    if target is None or isinstance(target, str):
        return target
    return target.get(legacy_model)


def _adapter_for(model: str, target_model: str | None, registry: Any) -> tuple[ModelAdapter, str]:
    if target_model is not None:
        return registry.adapter_for_target(target_model), target_model
    adapter = registry.adapter_for_legacy_model(model)
    if adapter is None:
        installed = ", ".join(a.name for a in registry.adapters()) or "none"
        raise PayloadError.single(
            "/model",
            f"no installed model adapter runs {model} payloads; installed: {installed}",
            "no-adapter",
        )
    return adapter, adapter.target_for(model)


def _values_sent_as_given_problems(
    adapter: ModelAdapter, model: str, body: Mapping[str, Any], report: PayloadReport
) -> list[Problem] | None:
    """Problems with payload values that the create body carries as they were given.

    The legacy schema checks a payload in its own vocabulary. A member the
    target takes under the same name — one of the target's own parameters,
    or a name both vocabularies share with different types — reaches the
    body unchanged and only the target's create schema can judge it. Its
    errors belong to the caller's member, not to the model adapter. None: the
    body is valid.
    """
    if not adapter.create_schema:
        return None
    from .schema import create_body_check, validator_for
    from .validation import problem_from_error

    if create_body_check(adapter.create_schema)(body):
        return None
    validator = validator_for(adapter.create_schema)  # says what is wrong
    problems = []
    for error in validator.iter_errors(body):
        key = error.absolute_path[0] if error.absolute_path else None
        # Identity, not equality: only a value the adapter passed on untouched is the caller's.
        if key in report.params and body.get(key) is report.params[key]:
            problem = problem_from_error(error)
            problems.append(
                Problem(
                    problem.pointer, f"{problem.message} (sent to {model} as it is)", problem.code
                )
            )
    # Anything else is a model adapter bug, which the client's check of the body reports.
    return sorted(problems, key=lambda problem: problem.pointer)


def plan_request(
    payload: Any,
    *,
    upload_given: bool = False,
    target: Target = None,
    registry: Any = None,
    strict: bool = False,
) -> RequestPlan:
    """Check ``payload`` and translate it for its target model.

    Raises ``PayloadError`` for problems with the payload (and, when
    ``strict``, for lossy translations and unknown parameters). Returns the
    plan with every notice; emitting them as warnings is the caller's call.
    """
    if registry is None:
        from ..adapters.registry import default_registry as registry
    model = payload.get("model") if isinstance(payload, Mapping) else None
    also_known: frozenset[str] = frozenset()
    adapter = None
    target_model: str | None = None
    if isinstance(model, str):
        target_model = choose_target(model, target)
        try:
            adapter, target_model = _adapter_for(model, target_model, registry)
        except PayloadError:
            if target_model is not None:
                raise  # an unknown target is a problem of its own
            adapter = None  # inspect_payload names the unknown legacy model
        else:
            also_known = adapter.native_parameters
    report = inspect_payload(payload, upload_given=upload_given, also_known=also_known)
    if report.problems:
        raise PayloadError(report.problems)
    if adapter is None or target_model is None or report.family is None:  # pragma: no cover
        raise PayloadError.single("/model", f"no model adapter for {model!r}", "no-adapter")
    translation = adapter.translate_request(
        report.params, model=target_model, source_family=report.family.name
    )
    problems = _values_sent_as_given_problems(adapter, translation.model, translation.body, report)
    if problems:
        raise PayloadError(problems)
    plan = RequestPlan(
        report,
        adapter,
        translation.model,
        translation.body,
        report.notices + translation.notices,
        body_valid=problems is None,
    )
    if strict and plan.lossy_problems():
        raise PayloadError(plan.lossy_problems())
    return plan
