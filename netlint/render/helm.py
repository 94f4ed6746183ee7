"""`helm template` for chart directories: one render per values variant."""

from __future__ import annotations

from pathlib import Path as FsPath

from netlint.render import HELM, Rendered, RenderError, RenderSettings, Target, stream_name
from netlint.render.proc import run_tool, which

INSTALL_HINT = (
    "install Helm 3 (https://helm.sh/docs/intro/install/) so that `helm` is on PATH, "
    "or render the chart yourself and pipe it: `helm template {chart} | netlint check -`; "
    "--no-render skips charts"
)


def chart_name(root: FsPath) -> str | None:
    """`name:` of root/Chart.yaml (what `# Source:` comments start with), or None."""
    from netlint.load import load_text
    from netlint.model import SourceFile

    try:
        text = (root / "Chart.yaml").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    loaded = load_text(SourceFile("Chart.yaml", None), text)
    for doc in loaded.documents:
        if isinstance(doc.data, dict) and isinstance(doc.data.get("name"), str):
            return str(doc.data["name"])
    return None


def resolve_values(raw: str, cwd: FsPath, chart: FsPath) -> FsPath:
    """A values file as given: relative to the working directory (as helm reads it), else to
    the chart root (so one `--helm-variant values-prod.yaml` serves every chart of a repo)."""
    given = FsPath(raw)
    for candidate in (given if given.is_absolute() else cwd / given, chart / given):
        if candidate.is_file():
            return candidate.resolve()
    raise RenderError(f"{raw}: values file not found (looked in {cwd} and in the chart {chart})")


def helm_argv(
    helm: str, target: Target, settings: RenderSettings, values: list[FsPath]
) -> list[str]:
    argv = [helm, "template", settings.helm_release, str(target.root), "--include-crds"]
    if settings.helm_namespace:
        argv += ["--namespace", settings.helm_namespace]
    for path in values:
        argv += ["--values", str(path)]
    for item in settings.helm_set:
        argv += ["--set", item]
    return argv


def render_chart(target: Target, settings: RenderSettings, cwd: FsPath) -> list[Rendered]:
    """Every render the settings ask for (one per variant, else one). RenderError on failure."""
    from netlint.inputs import display_path

    helm = which(HELM)
    if helm is None:
        raise RenderError(
            f"{target.display}: is a Helm chart (Chart.yaml); rendering it needs the helm "
            "binary, which is not on PATH: " + INSTALL_HINT.format(chart=target.display)
        )
    common = [resolve_values(v, cwd, target.root) for v in settings.helm_values]
    variants = settings.helm_variants or ((),)
    out = []
    for variant in variants:
        extra = [resolve_values(v, cwd, target.root) for v in variant]
        files = common + extra
        shown = [display_path(p, cwd) for p in files]
        name = "+".join(shown) if shown else "helm"
        if settings.helm_set:
            name += "+set"
        argv = helm_argv(helm, target, settings, files)
        text = run_tool(argv, cwd=cwd, timeout=settings.timeout, what=target.display)
        defaults = target.root / "values.yaml"
        chain = ([defaults] if defaults.is_file() else []) + files
        out.append(
            Rendered(
                target,
                name,
                stream_name(target.display, name),
                text,
                values_files=tuple(chain),
                sets=settings.helm_set,
                members=(target.root,),
            )
        )
    return out
