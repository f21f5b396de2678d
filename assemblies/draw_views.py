"""The public page of each draw of a citizens' assembly, and its published JSON (issue 18).

Anyone, without an account, may read how a draw was made and check it: the seed and how it
was made, the algorithm, the quotas, the pool as pseudonyms with their answers and each
person's chance, who was drawn, and the command that re-runs it. What is public is decided
in one place (selectors.draw_publication); these views only show it. Never a name, an
address or contact details: the pool is pseudonyms, the invitation lottery's pool (the
addresses) is not shown at all.
"""

import shlex

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from initiatives import selectors, services
from initiatives.assembly_models import Assembly, AssemblyFeature, PublicDraw


def _draw(slug: str, kind: str, number: str) -> PublicDraw:
    try:
        return selectors.public_draw(slug=slug, kind=kind, number=int(number))
    except PublicDraw.DoesNotExist:
        raise Http404 from None


def _labels(assembly: Assembly) -> dict[str, tuple[str, dict[str, str]]]:
    """{feature key: (question, {value key: answer})}, in one query."""
    features = AssemblyFeature.objects.filter(assembly=assembly).prefetch_related("values")
    return {f.key: (f.question, {v.key: v.label for v in f.values.all()}) for f in features}


def _quota_rows(quotas: dict, labels: dict) -> list[dict]:
    rows = []
    for feature, values in (quotas or {}).items():
        question, answers = labels.get(feature, (feature, {}))
        for value, bounds in values.items():
            low, high = [*list(bounds), None, None][:2]
            rows.append(
                {
                    "feature": feature,
                    "question": question,
                    "value": value,
                    "label": answers.get(value, value),
                    "min": low,
                    "max": high,
                }
            )
    return rows


def _pool_rows(data: dict, labels: dict) -> tuple[list[str], list[dict]]:
    inputs, result = data.get("inputs") or {}, data.get("result") or {}
    features = list((inputs.get("quotas") or {}).keys())
    chances = result.get("probabilities") or {}
    selected = set(result.get("selected") or [])
    rows = []
    for entry in inputs.get("pool") or []:
        answers = entry.get("features") or {}
        rows.append(
            {
                "pseudonym": entry["pseudonym"],
                "household": entry.get("household", ""),
                "answers": [
                    labels.get(f, (f, {}))[1].get(answers.get(f, ""), answers.get(f, "") or "—")
                    for f in features
                ],
                "percent": 100 * float(chances.get(entry["pseudonym"], 0.0)),
                "selected": entry["pseudonym"] in selected,
            }
        )
    return features, rows


@require_GET
def draw_page(request: HttpRequest, slug: str, kind: str, number: str) -> HttpResponse:
    draw = _draw(slug, kind, number)
    data = selectors.draw_publication(draw)
    labels = _labels(draw.assembly)
    inputs = data.get("inputs") or {}
    features, pool = _pool_rows(data, labels)
    json_path = reverse("assembly_draws:json", args=[slug, kind, number])
    panel_draw = None
    if draw.kind == PublicDraw.Kind.REPLACEMENT and inputs.get("panel_draw"):
        panel_kind, _sep, panel_number = inputs["panel_draw"].rpartition("-")
        panel_draw = reverse("assembly_draws:page", args=[slug, panel_kind, panel_number])
    later = (
        PublicDraw.objects.filter(assembly=draw.assembly, kind=draw.kind, number__gt=draw.number)
        .order_by("number")
        .first()
        if draw.kind == PublicDraw.Kind.PANEL and not draw.seed
        else None
    )
    commands = {}
    if draw.seed:
        commands["commitment"] = "printf '%s' " + shlex.quote(draw.secret) + " | sha256sum"
        seed_text = f"{draw.secret}:{draw.witness_value}"
        commands["seed"] = "printf '%s' " + shlex.quote(seed_text) + " | sha256sum"
        commands["verify"] = "python manage.py assembly_draw_verify " + shlex.quote(
            request.build_absolute_uri(json_path)
        )
        commands["verify_here"] = f"python manage.py assembly_draw_verify --draw {draw.pk}"
    context = {
        "commands": commands,
        "assembly": draw.assembly,
        "draw": draw,
        "data": data,
        "features": [labels.get(f, (f, {}))[0] for f in features],
        "pool": pool,
        "quotas": _quota_rows(inputs.get("quotas"), labels),
        "original_quotas": _quota_rows(inputs.get("original_quotas"), labels),
        "kept": inputs.get("panel_kept") or [],
        "selected": (data.get("result") or {}).get("selected") or [],
        "json_url": request.build_absolute_uri(json_path),
        "json_path": json_path,
        "panel_draw_path": panel_draw,
        "later": later,
        "computing": services.draw_computing(draw),
        "infeasible": (draw.result or {}).get("infeasible") or [],
        "minimum": min((row["percent"] for row in pool), default=None),
        "maximum": max((row["percent"] for row in pool), default=None),
    }
    return render(request, "assemblies/draw.html", context)


@require_GET
def draw_json(request: HttpRequest, slug: str, kind: str, number: str) -> JsonResponse:
    draw = _draw(slug, kind, number)
    response = JsonResponse(
        selectors.draw_publication(draw), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'inline; filename="{slug}-{kind}-{int(number)}.json"'
    return response


@require_GET
def draw_list(request: HttpRequest, slug: str) -> HttpResponse:
    assembly = get_object_or_404(Assembly, slug=slug)
    draws = list(selectors.public_draws_of(assembly))
    if not draws:
        raise Http404
    return render(request, "assemblies/draw_list.html", {"assembly": assembly, "draws": draws})


__all__ = ["draw_json", "draw_list", "draw_page"]
