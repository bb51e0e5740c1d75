"""The `policy-tracker` command: a thin shell over the API; the only module importing click."""

from __future__ import annotations

import dataclasses
import errno
import gc
import os
import signal
import sys
import traceback
from typing import TYPE_CHECKING, Any, NoReturn
from collections.abc import Callable

import click

from . import __version__
from .errors import InputError, OutputClosed, PolicyTrackerError, ValidationError
from .visible import escape_line, escape_text, guard_line_starts

if TYPE_CHECKING:
    from .model import RenderOptions

EXIT_CHANGES, EXIT_INPUT, EXIT_ENVIRONMENT = 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {escape_line(message)}", err=True)
    sys.exit(code)


class Group(click.Group):
    """Shows every error once, as one line, with the exit statuses of the contract."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file-size limit becomes EFBIG
        from .output import remove_temporary_files_on_signals

        remove_temporary_files_on_signals()  # SIGTERM, SIGHUP...: no temporary file left
        argv = list(args[0]) if args and args[0] is not None else sys.argv[1:]
        debug = "--debug" in argv[:2]
        try:
            kwargs["standalone_mode"] = False
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except _NO_ARGS as exc:  # `policy-tracker` alone: the help, as a request, not an error
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            sys.exit(0)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _fail(f"{exc.format_message()}{hint}", EXIT_INPUT)
        except click.Abort:
            _fail("interrupted", 130)
        except OutputClosed:
            _quiet_pipe_exit()
        except ValidationError as exc:
            more = len(exc.problems) - 1
            tail = f" (and {more} more problem{'s' if more > 1 else ''}; run " \
                   "'policy-tracker validate')" if more else ""
            _fail(f"{exc}{tail}", exc.exit_code)
        except PolicyTrackerError as exc:
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            _quiet_pipe_exit()
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _quiet_pipe_exit()
            if debug:
                _print_traceback()
            _fail(f"{getattr(exc, 'filename', None) or '<io>'}: {exc.strerror or exc}",
                  EXIT_ENVIRONMENT)
        except Exception as exc:  # noqa: BLE001 - the contract: no traceback unless --debug
            if debug:
                _print_traceback()
            _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
                  EXIT_ENVIRONMENT)


def _print_traceback() -> None:
    """The traceback of --debug, with data in it made visible like every other message."""
    click.echo(guard_line_starts(escape_text(traceback.format_exc(), keep_newlines=True)),
               err=True, nl=False)


_NO_ARGS: type[click.UsageError] = getattr(click.exceptions, "NoArgsIsHelpError",
                                          type("_Never", (click.UsageError,), {}))


def _quiet_pipe_exit() -> NoReturn:
    # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(141)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="policy-tracker")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.option("--policies", "policies_dir", metavar="DIR", envvar="POLICY_TRACKER_POLICIES",
              help="Folder of policies (default: ./policies if present, else the bundled data).")
@click.pass_context
def cli(ctx: click.Context, debug: bool, policies_dir: str | None) -> None:
    """Track how a policy's rules change over time: validate, show, diff, timeline, report."""
    ctx.obj = {"policies": policies_dir, "debug": debug}


def policies_of(ctx: click.Context) -> str | None:
    """The --policies folder given to the group."""
    return ctx.find_root().obj.get("policies")  # type: ignore[no-any-return]


def emit(text: str, output: str | None = None, inputs: tuple[str, ...] = (),
         commands: bool = False) -> None:
    """Write a result to a file (atomically) or to standard output; no line starts with a
    workflow command (`::`) unless `commands` (the `github` format)."""
    from .load import files_read
    from .output import write_atomic, write_stdout

    if not commands:
        text = guard_line_starts(text)
    if output is not None and output != "-":  # '' is refused there: an empty path
        write_atomic(output, text, inputs + files_read())
    else:
        write_stdout(text)


def plain(lang: str) -> RenderOptions:
    """Render options without colour, for files and machine formats."""
    from .model import RenderOptions

    return RenderOptions(lang=lang)


def options_for(lang: str, output: str | None = None, title: str = "",
                paths: bool = False) -> RenderOptions:
    """Render options; colour only when writing to a terminal and NO_COLOR is unset."""
    from .model import RenderOptions

    to_tty = (not output or output == "-") and sys.stdout.isatty()
    return RenderOptions(lang=lang, color=to_tty and "NO_COLOR" not in os.environ, title=title,
                         paths=paths)


def format_option(kind: str, default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format` with the choices the renderer registry has for `kind`."""
    from .render import formats_for

    return click.option("--format", "fmt", type=click.Choice(formats_for(kind)), default=default,
                        show_default=True, help="Output format.")


lang_option = click.option("--lang", type=click.Choice(["en", "zh", "fr"]), default="en",
                           show_default=True, help="Language of labels and sentences.")


def _path_given(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output path must name something: '' is a usage error, not the default file."""
    if value == "":
        raise click.BadParameter("an empty path; name a file (or '-' for standard output)",
                                 ctx, param)
    return value


output_option = click.option("-o", "--output", metavar="FILE", callback=_path_given,
                             help="Write to FILE (atomically) instead of standard output.")
paths_option = click.option("--paths", is_flag=True,
                            help="Show each change's path and file position (text format).")


def change_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--min-severity` and `--rule`, for every command that lists changes."""
    command = click.option("--rule", "rules", multiple=True, metavar="ID",
                           help="Only changes of this rule id (repeatable; see 'rules').")(command)
    return click.option("--min-severity", type=click.Choice(["major", "minor", "editorial"]),
                        help="Only changes of this severity or higher.")(command)


def filters_of(min_severity: str | None, rules: tuple[str, ...], **more: Any) -> Any:
    """The `Filters` of the change-filter options, rule ids checked."""
    from .classify import RULES
    from .filters import Filters, check_rules
    from .model import Severity

    return Filters(min_severity=Severity(min_severity) if min_severity else None,
                   rules=check_rules(rules, RULES), **more)


currency_option = click.option(
    "--currency", metavar="CODE", default="", callback=lambda _c, _p, v: _currency(v),
    help="OpenFisca: the ISO 4217 code a bare 'currency' unit stands for (EUR for "
         "OpenFisca-France); without it amounts are written in 'currency units'.")


def _currency(value: str) -> str:
    if value and not (len(value) == 3 and value.isascii() and value.isalpha()
                      and value.isupper()):
        raise click.BadParameter(f"{value!r} is not an ISO 4217 code such as EUR")
    return value


format_in_option = click.option(
    "--format-in", type=click.Choice(["auto", "openfisca", "generic"]), default="auto",
    show_default=True, help="Read inputs as OpenFisca parameters (auto: when they have their "
                            "shape) or as generic YAML.")


def _complete(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """Shell completion of policy ids, tracks or snapshot ids (diff operands: also files)."""
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from . import complete as values

        root, policy = ctx.find_root().params.get("policies_dir"), ctx.params.get("policy")
        if kind == "policy":
            found = values.policy_ids(root)
        elif kind == "track":
            found = values.track_ids(root, policy)
        else:
            found = values.snapshot_ids(root, policy)
            found += [f"{pid}@" for pid in values.policy_ids(root)]
        items: list[Any] = [click.shell_completion.CompletionItem(value) for value in found
                            if value.startswith(incomplete)]
        if kind == "snapshot" and not items:
            items = [click.shell_completion.CompletionItem(incomplete, type="file")]
        return items
    return complete


def main() -> None:
    """Entry point of the console script."""
    # A run allocates many objects (imported classes, parsed data) and frees few: the cycle
    # collector's default pace (every 700 allocations) costs a short command a tenth of its
    # time while finding almost nothing. It still runs, every 50,000.
    gc.set_threshold(50_000, 20, 20)
    cli.main(prog_name="policy-tracker")


def check(condition: bool, message: str) -> None:
    """Raise an InputError (exit 2) unless `condition`."""
    if not condition:
        raise InputError(message)


def fail_status(diff_changes: Any, exit_code: bool, fail_on: tuple[str, ...]) -> int:
    """1 when changes are found under --exit-code, or changes match --fail-on; else 0."""
    changes = list(diff_changes)
    if exit_code and changes:
        return EXIT_CHANGES
    for condition in fail_on:
        if condition == "any" and changes:
            return EXIT_CHANGES
        if any(condition in (c.direction.value, c.severity.value) for c in changes):
            return EXIT_CHANGES
    return 0


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@click.pass_context
def list_command(ctx: click.Context, fmt: str) -> None:
    """List policies, their tracks and snapshots with dates and status."""
    from . import api
    from .render import listing

    policies = api.load_policies(policies_of(ctx))
    emit(listing.render_policies(policies, fmt))


@cli.command("show")
@click.argument("policy", required=False, shell_complete=_complete("policy"))
@click.option("--track", default="national", show_default=True, help="Track (jurisdiction).",
              shell_complete=_complete("track"))
@click.option("--as-of", "as_of", default="today", show_default=True, metavar="DATE",
              help="The date whose rules to show (YYYY-MM-DD).")
@click.option("--include-drafts", is_flag=True, help="Let draft or announced rules count.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@output_option
@click.pass_context
def show_command(ctx: click.Context, policy: str | None, track: str, as_of: str,
                 include_drafts: bool, fmt: str, output: str | None) -> None:
    """Show the rules in force on a date, naming the snapshots that apply."""
    from . import api
    from .render import listing, yaml

    loaded = api.load_policy(policy, policies_of(ctx))
    resolved = api.resolve(loaded, api.parse_date(as_of, "--as-of date"), track, include_drafts)
    render = yaml.render_resolved if fmt == "yaml" else listing.render_resolved_json
    emit(render(resolved, plain('en')), output)


@cli.command("validate")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text: lines on standard error; json or github "
              "(workflow annotations): on standard output.")
@click.pass_context
def validate_command(ctx: click.Context, paths: tuple[str, ...], fmt: str) -> None:
    """Check policy folders or files; print every problem as path:line:col: message.

    A file of a policy is checked with what it affects: policy.yaml with every snapshot, a
    snapshot with its policy, its track and the tracks laid over it.
    """
    from . import api
    from .render import render

    problems = tuple(api.check_paths(paths, policies_of(ctx)))
    if fmt != "text":
        emit(render("problems", fmt, problems, plain("en")), commands=fmt == "github")
        sys.exit(EXIT_INPUT if problems else 0)
    click.echo(render("problems", "text", problems, plain("en")), err=True, nl=False)
    if problems:
        count = len(problems)
        click.echo(f"error: {count} problem{'s' if count > 1 else ''} found", err=True)
        sys.exit(EXIT_INPUT)
    click.echo("ok: no problems found")


@cli.command("schema")
@click.argument("kind", type=click.Choice(["policy", "snapshot", "diff", "timeline", "effects",
                                          "problems", "profile", "conditions"]),
                default="snapshot")
def schema_command(kind: str) -> None:
    """Print the published JSON Schema of a file kind or of the JSON output."""
    from .validate import schema_text

    emit(schema_text(kind))


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def rules_command(fmt: str) -> None:
    """List the rule catalogue that classifies changes (ids, severities, sentences)."""
    from .render import listing

    emit(listing.render_rules(fmt))


@cli.command("diff")
@click.argument("old", shell_complete=_complete("snapshot"))
@click.argument("new", shell_complete=_complete("snapshot"))
@format_option("diff", "text")
@lang_option
@output_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes.")
@click.option("--fail-on", multiple=True,
              type=click.Choice(["looser", "stricter", "major", "minor", "any"]),
              help="Exit 1 when a change of this kind is found (repeatable).")
@click.option("--only", multiple=True, metavar="GLOB", help="Keep changes under these paths.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Drop changes under these paths.")
@click.option("--accept", "accept_file", metavar="FILE",
              help="YAML list of accepted fingerprints with reasons: hidden and counted.")
@click.option("--strict-accept", is_flag=True,
              help="Stale --accept entries (matching no change) are an error, not a warning.")
@click.option("--fingerprints", is_flag=True,
              help="Show each change's fingerprint in text output (for --accept files).")
@click.option("--config", "config_file", metavar="FILE",
              help="YAML file overriding rule severities (severity: {rule-id: level}).")
@click.option("--track", default="national", show_default=True,
              help="Track for POLICY@DATE operands.", shell_complete=_complete("track"))
@click.option("--include-drafts", is_flag=True, help="Let drafts count in POLICY@DATE operands.")
@click.option("--repo", "repo_dir", metavar="DIR", help="Git repository for REF:path operands.")
@change_filters
@paths_option
@format_in_option
@currency_option
@click.pass_context
def diff_command(ctx: click.Context, old: str, new: str, fmt: str, lang: str,
                 output: str | None, exit_code: bool, fail_on: tuple[str, ...],
                 only: tuple[str, ...], exclude: tuple[str, ...], accept_file: str | None,
                 strict_accept: bool, fingerprints: bool, config_file: str | None, track: str,
                 include_drafts: bool, repo_dir: str | None, min_severity: str | None,
                 rules: tuple[str, ...], paths: bool, format_in: str, currency: str) -> None:
    """Compare two versions: files, POLICY@DATE, snapshot ids, REF:path or OpenFisca parameter
    files and folders."""
    from dataclasses import replace

    from . import api
    from .accept import accepted_map, read_accept_entries
    from .render import render

    severities = api.read_severity_config(config_file) if config_file else None
    entries = read_accept_entries(accept_file) if accept_file else ()
    sides = [api.open_operand(text, policies_of(ctx), track, include_drafts, repo_dir, format_in,
                              currency) for text in (old, new)]
    full = api.diff_sides(sides[0], sides[1], severities)
    warn_stale(entries, (c.fingerprint for c in full.changes), strict_accept)
    filters = filters_of(min_severity, rules, only=only, exclude=exclude,
                         accepted=accepted_map(entries))
    diff = api.filter_diff(full, filters)
    options = replace(options_for(lang, output, paths=paths), fingerprints=fingerprints)
    emit(render("diff", fmt, diff, options), output, (old, new))
    sys.exit(fail_status(diff.changes, exit_code, fail_on))


def warn_stale(entries: Any, found: Any, strict: bool) -> None:
    """A warning line per stale accept entry; with `strict`, an error before any output."""
    from .accept import stale_entries
    from .i18n import message
    from .render.escape import display

    stale = stale_entries(entries, found)
    for entry in stale:
        click.echo(display(f"warning: {entry}"), err=True)
    if stale and strict:
        raise InputError(message("validate.accept.stale_error", "en", count=len(stale)),
                         stale[0].where)


def _date_or_none(text: str | None, what: str) -> Any:
    from . import api

    return api.parse_date(text, what) if text else None


@cli.command("timeline")
@click.argument("policy", required=False, metavar="[POLICY | PATH]",
                shell_complete=_complete("policy"))
@click.option("--track", "tracks", multiple=True, metavar="T",
              help="Track to include (repeatable; 'all' for every track). Default: all.",
              shell_complete=_complete("track"))
@click.option("--since", metavar="DATE", help="Only events on or after DATE.")
@click.option("--until", metavar="DATE", help="Only events on or before DATE.")
@click.option("--include-drafts", is_flag=True, help="Show drafts and announcements as events.")
@click.option("--git", "from_git", is_flag=True,
              help="Read PATH (a file or folder) from git history instead of a policy.")
@click.option("--rev", metavar="A..B", help="With --git: the commits to read (default HEAD).")
@click.option("--repo", "repo_dir", metavar="DIR", help="With --git: the repository (default .).")
@click.option("--quiet", is_flag=True, help="No progress bar or notes.")
@click.option("--no-cache", is_flag=True,
              help="With --git: neither read nor write the cache (see README, \"The cache\").")
@format_option("timeline", "text")
@lang_option
@output_option
@change_filters
@paths_option
@click.pass_context
def timeline_command(ctx: click.Context, policy: str | None, tracks: tuple[str, ...],
                     since: str | None, until: str | None, include_drafts: bool,
                     from_git: bool, rev: str | None, repo_dir: str | None, quiet: bool,
                     no_cache: bool, fmt: str, lang: str, output: str | None,
                     min_severity: str | None, rules: tuple[str, ...], paths: bool) -> None:
    """What changed, when and by which instrument; with --git, commit by commit."""
    from . import api
    from .filters import filter_timeline
    from .render import render

    filters = filters_of(min_severity, rules)
    if from_git:
        if not policy:
            raise InputError("timeline --git needs a PATH (a file or folder in the repository)")
        from .streaming import STREAMED

        if fmt in STREAMED:
            stream_git_timeline(policy, rev, repo_dir, quiet, no_cache, fmt, lang, output)
            return
        timeline = git_timeline(policy, rev, repo_dir, quiet, no_cache, lang)
    else:
        check(not (rev or repo_dir), "--rev and --repo go with --git")
        loaded = api.load_policy(policy, policies_of(ctx))
        timeline = api.build_timeline(loaded, tracks or None,
                                      _date_or_none(since, "--since date"),
                                      _date_or_none(until, "--until date"), include_drafts)
    timeline = filter_timeline(timeline, filters)
    emit(render("timeline", fmt, timeline, options_for(lang, output, paths=paths)), output)


@cli.command("effects")
@click.argument("policy", required=False)
@click.option("--track", "tracks", multiple=True, metavar="T",
              help="Track to include (repeatable; 'all' for every track). Default: all.")
@format_option("effects", "text")
@lang_option
@output_option
@click.pass_context
def effects_command(ctx: click.Context, policy: str | None, tracks: tuple[str, ...], fmt: str,
                    lang: str, output: str | None) -> None:
    """The effects register: what each instrument did to which rule, when, and if applied."""
    from . import api
    from .render import render

    loaded = api.load_policy(policy, policies_of(ctx))
    register = api.build_effects(loaded, tracks or None)
    emit(render("effects", fmt, register, options_for(lang, output)), output)


@cli.command("history")
@click.argument("policy", metavar="POLICY | PATH", shell_complete=_complete("policy"))
@click.argument("path", required=False)
@click.option("--track", default="national", show_default=True, help="Track (jurisdiction).",
              shell_complete=_complete("track"))
@click.option("--all-steps", is_flag=True, help="List every snapshot, not only changes.")
@click.option("--openfisca", "parameter", metavar="DOTTED.NAME",
              help="An OpenFisca parameter under PATH (a file or folder of a git repository): "
                   "its values at --rev and when each was introduced or corrected.")
@click.option("--rev", metavar="A..B", help="With --openfisca: the commits to read (default HEAD).")
@click.option("--repo", "repo_dir", metavar="DIR", help="With --openfisca: the repository.")
@click.option("--no-cache", is_flag=True, help="With --openfisca: do not use the parse cache.")
@currency_option
@format_option("history", "text")
@lang_option
@output_option
@click.pass_context
def history_command(ctx: click.Context, policy: str, path: str | None, track: str,
                    all_steps: bool, parameter: str | None, rev: str | None,
                    repo_dir: str | None, no_cache: bool, currency: str, fmt: str, lang: str,
                    output: str | None) -> None:
    """The value of one field over time, e.g. eligibility.routes[investment].min_years;
    with --openfisca, one OpenFisca parameter across git history."""
    from . import api
    from .render import render

    if parameter is not None:
        from .openfisca_history import parameter_history

        check(path is None, "with --openfisca, give only the PATH of the parameters")
        check(fmt in ("text", "markdown", "json"), "--openfisca histories are written as "
                                                   "text, markdown or json")
        found = parameter_history(repo_dir or ".", policy, parameter, rev, not no_cache,
                                  _progress(False), currency)
        emit(render("parameter_history", fmt, found, options_for(lang, output)), output)
        return
    check(path is not None, "name the field: history POLICY PATH")
    check(not (rev or repo_dir), "--rev and --repo go with --openfisca")
    assert path is not None
    loaded = api.load_policy(policy, policies_of(ctx))
    try:
        history = api.field_history(loaded, path, track, all_steps)
    except ValueError as exc:
        raise InputError(f"bad path {path!r}: {exc}") from None
    emit(render("history", fmt, history, options_for(lang, output)), output)


@cli.command("compare")
@click.argument("policy", required=False, shell_complete=_complete("policy"))
@click.option("--track", required=True, help="The jurisdiction to compare.",
              shell_complete=_complete("track"))
@click.option("--against", default="national", show_default=True, help="The one to compare with.",
              shell_complete=_complete("track"))
@click.option("--as-of", "as_of", default="today", show_default=True, metavar="DATE",
              help="The date on which to compare them.")
@format_option("diff", "text")
@lang_option
@output_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when the two differ.")
@change_filters
@paths_option
@click.pass_context
def compare_command(ctx: click.Context, policy: str | None, track: str, against: str,
                    as_of: str, fmt: str, lang: str, output: str | None,
                    exit_code: bool, min_severity: str | None, rules: tuple[str, ...],
                    paths: bool) -> None:
    """How two jurisdictions' rules differed on a date."""
    from . import api
    from .render import render

    loaded = api.load_policy(policy, policies_of(ctx))
    diff = api.filter_diff(
        api.compare_tracks(loaded, against, track, api.parse_date(as_of, "--as-of date")),
        filters_of(min_severity, rules))
    emit(render("diff", fmt, diff, options_for(lang, output, paths=paths)), output)
    sys.exit(fail_status(diff.changes, exit_code, ()))


@cli.command("export")
@click.argument("policy", required=False, shell_complete=_complete("policy"))
@format_option("timeline", "json")
@click.option("--track", "tracks", multiple=True, metavar="T", help="Track (repeatable).",
              shell_complete=_complete("track"))
@click.option("--since", metavar="DATE", help="Only events on or after DATE.")
@click.option("--until", metavar="DATE", help="Only events on or before DATE.")
@click.option("--include-drafts", is_flag=True, help="Include drafts and announcements.")
@lang_option
@output_option
@change_filters
@click.pass_context
def export_command(ctx: click.Context, policy: str | None, fmt: str, tracks: tuple[str, ...],
                   since: str | None, until: str | None, include_drafts: bool, lang: str,
                   output: str | None, min_severity: str | None,
                   rules: tuple[str, ...]) -> None:
    """Export the timeline: json, jsonl, csv, timelinejs, ics, atom or markdown."""
    from . import api
    from .filters import filter_timeline
    from .render import render

    filters = filters_of(min_severity, rules)
    loaded = api.load_policy(policy, policies_of(ctx))
    timeline = api.build_timeline(loaded, tracks or None, _date_or_none(since, "--since date"),
                                  _date_or_none(until, "--until date"), include_drafts)
    timeline = filter_timeline(timeline, filters)
    inputs = tuple(s.document.name for s in loaded.snapshots)
    emit(render("timeline", fmt, timeline, plain(lang)), output, inputs)


@cli.command("report")
@click.argument("policy", required=False, shell_complete=_complete("policy"))
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default="html",
              show_default=True, help="Output format.")
@click.option("-o", "--output", metavar="FILE", callback=_path_given,
              help="Where to write (default report.html or report.md; '-' for stdout).")
@click.option("--as-of", "as_of", default="today", show_default=True, metavar="DATE",
              help="Date of the 'rules in force' outline.")
@click.option("--track", "tracks", multiple=True, metavar="T", help="Track (repeatable).",
              shell_complete=_complete("track"))
@click.option("--since", metavar="DATE", help="Only instruments on or after DATE.")
@click.option("--until", metavar="DATE", help="Only instruments on or before DATE.")
@click.option("--profiles", "profiles_file", metavar="FILE",
              help="Add a 'who is affected' section for these applicant profiles.")
@lang_option
@change_filters
@click.pass_context
def report_command(ctx: click.Context, policy: str | None, fmt: str, output: str | None,
                   as_of: str, tracks: tuple[str, ...], since: str | None, until: str | None,
                   profiles_file: str | None, lang: str, min_severity: str | None,
                   rules: tuple[str, ...]) -> None:
    """Write the change report (report.html) and print a short summary."""
    from . import api
    from .render import render
    from .filters import filter_timeline
    from .report import summarize

    filters = filters_of(min_severity, rules)
    day = api.parse_date(as_of, "--as-of date")
    first, last = _date_or_none(since, "--since date"), _date_or_none(until, "--until date")
    if profiles_file:
        loaded = api.load_policy(policy, policies_of(ctx))
        impact = api.impact_of(loaded, api.load_profiles(profiles_file),
                               track=tracks[0] if len(tracks) == 1 else "")
        report = api.build_report(loaded, as_of=day, tracks=tracks or None, since=first,
                                  until=last, impact=impact)
    else:  # the report alone: kept in the cache folder for an unchanged policy folder
        report = api.load_report(policy, policies_of(ctx), as_of=day, tracks=tracks or None,
                                 since=first, until=last)
    report = dataclasses.replace(report, timeline=filter_timeline(report.timeline, filters))
    target = output or ("report.html" if fmt == "html" else "report.md")
    emit(render("report", fmt, report, plain(lang)), target)
    summary = summarize(report, lang)
    if target == "-":
        click.echo(guard_line_starts(summary), err=True)
    else:
        click.echo(f"{guard_line_starts(summary)}\nwrote {escape_line(target)}")


class ProgressBar:
    """A bar with a count and an estimate on standard error, for long histories."""

    def __init__(self, label: str, stream: Any) -> None:
        self.label, self.stream = label, stream
        self.bar: Any = None
        self.shown = 0
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label,
                                         file=self.stream, show_pos=True, show_eta=True)
            self.bar.render_progress()
        now = time.monotonic()
        if done >= total or now - self.last >= 0.2:  # redrawn five times a second at most
            self.bar.update(done - self.shown)
            self.shown, self.last = done, now
        if done >= total:
            self.close()

    def close(self) -> None:
        """End the bar's line (also when the run stops early)."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _progress(quiet: bool, lang: str = "en") -> ProgressBar | None:
    """A progress bar on standard error, only on a terminal and unless --quiet."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        return None
    from .i18n import message

    return ProgressBar(message("gittimeline.progress", lang), stream)


def _show_notes(notes: list[str], quiet: bool, invalid: int = 0, total: int = 0,
                lang: str = "en") -> None:
    from .i18n import message

    if invalid:
        notes.append(message("gittimeline.invalid_note", lang, count=invalid, total=total))
    for note in notes:
        if not quiet:
            click.echo(f"note: {escape_line(note)}", err=True)
    _cache_report()


def _cache_report() -> None:
    """With --debug: cache entries ignored, and why (see README, "The cache")."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or not (ctx.find_root().obj or {}).get("debug"):
        return
    from .cache import stats

    for reason, count in sorted(stats.items()):
        click.echo(f"debug: cache: {count} x {reason}", err=True)


def git_timeline(path: str, rev: str | None, repo_dir: str | None, quiet: bool,
                 no_cache: bool, lang: str = "en") -> Any:
    """The timeline of a file or folder read from git history."""
    from .gittimeline import build_git_timeline

    notes: list[str] = []
    progress = _progress(quiet, lang)
    try:
        timeline = build_git_timeline(repo_dir or ".", path, rev, use_cache=not no_cache,
                                      progress=progress, notes=notes.append)
    finally:
        if progress is not None:
            progress.close()
    invalid = sum(1 for event in timeline.events if event.error)
    _show_notes(notes, quiet, invalid, len(timeline.events), lang)
    return timeline


def stream_git_timeline(path: str, rev: str | None, repo_dir: str | None, quiet: bool,
                        no_cache: bool, fmt: str, lang: str, output: str | None) -> None:
    """`timeline --git` in a streamed format: events are written as they are read back
    in order, never all held in memory."""
    from .output import write_atomic, write_stdout
    from .streaming import head_for, spool_git_events, stream_timeline

    notes: list[str] = []
    progress = _progress(quiet, lang)
    try:
        spool = spool_git_events(repo_dir or ".", path, rev, not no_cache, progress,
                                 notes.append)
    finally:
        if progress is not None:
            progress.close()
    try:
        chunks = stream_timeline(fmt, head_for(path, spool), spool.events(),
                                 options_for(lang, output))
        if output and output != "-":
            write_atomic(output, "".join(chunks))
        else:
            pending: list[str] = []
            size = 0
            for chunk in chunks:
                pending.append(chunk)
                size += len(chunk)
                if size >= 1 << 20:
                    write_stdout("".join(pending))
                    pending, size = [], 0
            write_stdout("".join(pending))
    finally:
        spool.close()
    _show_notes(notes, quiet, spool.invalid, len(spool.keys), lang)


@cli.command("review")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--base", required=True, metavar="REF", help="The commit the change starts from.")
@click.option("--head", default="HEAD", show_default=True, metavar="REF", help="The new commit.")
@format_option("review", "markdown")
@lang_option
@output_option
@click.option("--fail-on", multiple=True,
              type=click.Choice(["looser", "stricter", "major", "minor", "any"]),
              help="Exit 1 when a change of this kind is found (repeatable).")
@click.option("--accept", "accept_file", metavar="FILE",
              help="YAML list of accepted fingerprints with reasons: hidden and counted.")
@click.option("--strict-accept", is_flag=True,
              help="Stale --accept entries (matching no change) are an error, not a warning.")
@click.option("--config", "config_file", metavar="FILE", help="Severity overrides (YAML).")
@click.option("--summary", "summary_file", metavar="FILE", envvar="GITHUB_STEP_SUMMARY",
              callback=_path_given,
              help="With --format github, also append the Markdown review to FILE "
                   "(default: $GITHUB_STEP_SUMMARY).")
@click.option("--repo", "repo_dir", default=".", show_default=True, metavar="DIR",
              help="The git repository.")
@change_filters
@currency_option
@click.option("--no-cache", is_flag=True,
              help="Trust no cache: parse every file (for CI whose cache others can write).")
def review_command(paths: tuple[str, ...], base: str, head: str, fmt: str, lang: str,
                   output: str | None, fail_on: tuple[str, ...], accept_file: str | None,
                   strict_accept: bool, config_file: str | None, summary_file: str | None,
                   repo_dir: str, min_severity: str | None, rules: tuple[str, ...],
                   no_cache: bool, currency: str) -> None:
    """Review a pull request: every policy file changed between --base and --head.

    A head that does not validate gives its problems (exit 2) and the changes that could
    still be computed.
    """
    from . import api
    from .accept import accepted_map, read_accept_entries
    from .render import render
    from .review import review_changes

    severities = api.read_severity_config(config_file) if config_file else None
    entries = read_accept_entries(accept_file) if accept_file else ()
    review = review_changes(repo_dir, base, head, paths,
                            filters_of(min_severity, rules, accepted=accepted_map(entries)),
                            severities, use_cache=not no_cache, currency=currency)
    _cache_report()
    warn_stale(entries, (c.fingerprint for f in review.files if f.diff
                         for c in f.diff.accepted), strict_accept)
    options = plain(lang)
    emit(render("review", fmt, review, options), output, commands=fmt == "github")
    if fmt == "github" and summary_file is not None:
        from .output import append_text

        append_text(summary_file, render("review", "markdown", review, options))
    problems = any(f.problems for f in review.files)
    status = fail_status(review.changes(), False, fail_on)
    sys.exit(EXIT_INPUT if problems else status)


@cli.command("git-diff-driver")
@click.argument("args", nargs=-1, metavar="PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX "
                                          "NEW-MODE")
@lang_option
def git_diff_driver_command(args: tuple[str, ...], lang: str) -> None:
    """Semantic diff for git (diff.<driver>.command); see README, "git diff"."""
    from . import api
    from .render import render

    if len(args) not in (7, 9):
        raise InputError("git passes 7 arguments (9 for a rename); configure this command as "
                         "diff.policy-tracker.command")
    path, old_file, _, _, new_file = args[:5]
    shown = args[7] if len(args) == 9 else path
    click.echo(escape_line(f"policy-tracker diff a/{path} b/{shown}"))
    try:
        sides = [api.side_for_driver(name, shown) for name in (old_file, new_file)]
        diff = api.diff_sides(sides[0], sides[1])
        text = render("diff", "text", diff, options_for(lang))
        click.echo("\n".join(text.splitlines()[2:]))
    except PolicyTrackerError as exc:  # git treats a failing external diff as fatal
        click.echo(escape_line(f"(not compared: {exc})"))


@cli.command("eligibility")
@click.argument("policy", required=False)
@click.option("--profile", "profile_file", required=True, metavar="FILE",
              help="Profile file (YAML; see 'policy-tracker schema profile').")
@click.option("--id", "profile_id", metavar="ID", help="The profile to use when FILE has several.")
@click.option("--as-of", "as_of", default="today", show_default=True, metavar="DATE",
              help="The date whose rules to apply.")
@click.option("--track", default="", metavar="T",
              help="Track (default: the profile's region, else national).")
@click.option("--include-drafts", is_flag=True, help="Apply drafts too (verdicts marked proposed).")
@format_option("eligibility", "text")
@lang_option
@output_option
@click.pass_context
def eligibility_command(ctx: click.Context, policy: str | None, profile_file: str,
                        profile_id: str | None, as_of: str, track: str, include_drafts: bool,
                        fmt: str, lang: str, output: str | None) -> None:
    """One person on one date: each route meets, does not meet or cannot tell, and why."""
    from . import api
    from .profiles import single_profile
    from .render import render

    loaded = api.load_policy(policy, policies_of(ctx))
    profile = single_profile(api.load_profiles(profile_file), profile_id, profile_file)
    result = api.check_eligibility(loaded, profile, api.parse_date(as_of, "--as-of date"),
                                   track, include_drafts)
    emit(render("eligibility", fmt, result, plain(lang)), output, (profile_file,))


@cli.command("impact")
@click.argument("policy", required=False)
@click.option("--profiles", "profiles_file", required=True, metavar="FILE",
              help="Profiles file (YAML; see 'policy-tracker schema profile').")
@click.option("--track", default="", metavar="T",
              help="Track (default: each profile's region, else national).")
@click.option("--from", "from_date", metavar="D1", help="The earlier date to compare.")
@click.option("--to", "to_date", metavar="D2", help="The later date to compare.")
@click.option("--across-history", is_flag=True,
              help="Compare every version of the track's rules (the default).")
@click.option("--include-drafts", is_flag=True, help="Count drafts (verdicts marked proposed).")
@format_option("impact", "text")
@lang_option
@output_option
@click.pass_context
def impact_command(ctx: click.Context, policy: str | None, profiles_file: str, track: str,
                   from_date: str | None, to_date: str | None, across_history: bool,
                   include_drafts: bool, fmt: str, lang: str, output: str | None) -> None:
    """Whose verdict changes between versions of the rules, when, and why."""
    from . import api
    from .render import render

    check(bool(from_date) == bool(to_date), "--from and --to go together")
    check(not (across_history and from_date), "choose --from/--to or --across-history")
    loaded = api.load_policy(policy, policies_of(ctx))
    profiles = api.load_profiles(profiles_file)
    dates = None
    if from_date and to_date:
        dates = (api.parse_date(from_date, "--from date"), api.parse_date(to_date, "--to date"))
        check(dates[0] < dates[1], "--from must be before --to")
    result = api.impact_of(loaded, profiles, dates, track, include_drafts)
    emit(render("impact", fmt, result, plain(lang)), output, (profiles_file,))


@cli.command("digest")
@click.argument("policy", required=False)
@click.option("--since", required=True, metavar="DATE",
              help="Changes whose legal or recorded date falls after DATE.")
@click.option("--track", "tracks", multiple=True, metavar="T", help="Track (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "text"]), default="markdown",
              show_default=True, help="Output format.")
@lang_option
@output_option
@click.pass_context
def digest_command(ctx: click.Context, policy: str | None, since: str, tracks: tuple[str, ...],
                   fmt: str, lang: str, output: str | None) -> None:
    """The changes since a date, for a weekly note (drafts included, marked proposed)."""
    from . import api
    from .render import render

    loaded = api.load_policy(policy, policies_of(ctx))
    digest = api.build_digest(loaded, api.parse_date(since, "--since date"), tracks or None)
    emit(render("digest", fmt, digest, plain(lang)), output)


def _add_examples() -> None:
    """Every command's help ends with examples that run (tests/test_examples.py runs them)."""
    from .help_examples import epilog

    for name, command in cli.commands.items():
        command.epilog = command.epilog or epilog(name) or None


_add_examples()
