"""Examples shown at the end of each command's `--help`: real command lines that run on the
bundled data from a clone of the repository (a test runs every one of them)."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "list": ("policy-tracker list",
             "policy-tracker list --format json"),
    "show": ("policy-tracker show --as-of 2016-01-01 --track shanghai",
             "policy-tracker show cn-permanent-residence --as-of 2020-01-01 --format json"),
    "validate": ("policy-tracker validate",
                 "policy-tracker validate policies/cn-permanent-residence"),
    "diff": ("policy-tracker diff cn-permanent-residence@2015-01-01 "
             "cn-permanent-residence@2020-01-01",
             "policy-tracker diff 2016-opinions 2019-nia-measures --format markdown",
             "policy-tracker diff 2017-id-card 2023-id-card --lang zh"),
    "timeline": ("policy-tracker timeline --track national --since 2015-01-01",
                 "policy-tracker timeline --format markdown --lang zh",
                 "policy-tracker timeline --git policies/cn-permanent-residence"),
    "history": ("policy-tracker history cn-permanent-residence card.validity_years_18_and_over",
                "policy-tracker history cn-permanent-residence "
                "'eligibility.routes[investment].investment_tiers[central-region]"
                ".min_paid_in_capital_usd' --all-steps"),
    "compare": ("policy-tracker compare --track shanghai --against national --as-of 2016-01-01",
                "policy-tracker compare --track beijing --as-of 2017-01-01 --format markdown"),
    "export": ("policy-tracker export --format ics -o green-card.ics",
               "policy-tracker export --format csv --track national -o changes.csv"),
    "report": ("policy-tracker report",
               "policy-tracker report --lang zh -o report-zh.html",
               "policy-tracker report --format markdown --since 2015-01-01 -o -"),
    "review": ("policy-tracker review --base HEAD~1",
               "policy-tracker review --base HEAD~1 --head HEAD --format json"),
    "git-diff-driver": (
        "echo 'policies/**/*.yaml diff=policy-tracker' >> .gitattributes",
        "git config diff.policy-tracker.command 'policy-tracker git-diff-driver'",
        "git diff HEAD~1 -- policies/"),
    "rules": ("policy-tracker rules",
              "policy-tracker rules --format json"),
    "schema": ("policy-tracker schema snapshot",
               "policy-tracker schema timeline > timeline.schema.json"),
    "effects": ("policy-tracker effects",
                "policy-tracker effects --format csv --lang zh -o effects.csv"),
    "eligibility": ("policy-tracker eligibility --profile docs/examples/green-card-profiles.yaml "
                    "--id investor-central-at-threshold --as-of 2020-01-01",
                    "policy-tracker eligibility --profile docs/examples/green-card-profiles.yaml "
                    "--id investor-central-at-threshold --as-of 2020-01-01 --format json"),
    "impact": ("policy-tracker impact --profiles docs/examples/green-card-profiles.yaml",
               "policy-tracker impact --profiles docs/examples/green-card-profiles.yaml "
               "--from 2019-01-01 --to 2020-01-01 --format markdown"),
    "digest": ("policy-tracker digest --since 2019-01-01",
               "policy-tracker digest --since 2015-01-01 --format text --lang zh"),
}


def epilog(command: str) -> str:
    """The `Examples:` block of one command's help (lines kept as written)."""
    lines = EXAMPLES.get(command, ())
    if not lines:
        return ""
    # "\b" keeps click from rewrapping the paragraph.
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
