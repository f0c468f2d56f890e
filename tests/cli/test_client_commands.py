"""Every client command, run as the real `pacetray` against a real local server on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.conftest import (
    SERVER_TOKEN,
    Home,
    api,
    assert_one_line_error,
    client_env,
    free_port,
    pacetray,
    pacetray_all,
)


@pytest.fixture
def cli(home: Home, shared_server: Any) -> Home:
    api(shared_server, "POST", "stopTracking")  # each test starts from "not tracking"
    return client_env(home, shared_server)


def run_json(cli: Home, *args: str) -> Any:
    result = pacetray(cli, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def ok(cli: Home, *args: str) -> list[str]:
    result = pacetray(cli, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.strip().splitlines()


def a_work_item(server: Any, query: str = "checkout") -> dict[str, Any]:
    """A work item the server knows (asked over HTTP: set-up, not the subject)."""
    hits = api(server, "POST", "searchByQuery", {"query": query})["workItems"]
    assert hits, f"the demo data has no work item matching {query!r}"
    return dict(hits[0]["workItem"])


def test_status_start_adjust_stop_readable_and_json(cli: Home, shared_server: Any) -> None:
    assert ok(cli, "status")[0] == "Not tracking"

    item = a_work_item(shared_server)
    lines = ok(
        cli,
        "start",
        "--work-item",
        str(item["id"]),
        "--remark",
        "cli test",
        "--activity",
        "DEVELOPMENT",
        "--no-billable",
    )
    assert lines[0].startswith(f"Tracking #{item['id']} {item['title']} “cli test” — 0:00:")
    assert lines[0].endswith("(Development)")

    state = run_json(cli, "status")
    assert state["track"]["trackingState"] == "tracking"
    assert state["track"]["tfsId"] == item["id"]
    assert state["track"]["remark"] == "cli test"
    assert state["track"]["isBillable"] is False
    dev = [t for t in state["settings"]["activityType"]["activityTypes"] if t["name"] == "Testing"]

    lines = ok(cli, "adjust", "--remark", "reviewing", "--activity", dev[0]["id"])
    assert "“reviewing”" in lines[0]
    adjusted = run_json(cli, "status")["track"]
    assert adjusted["remark"] == "reviewing"
    assert adjusted["activityTypeId"].lower() == dev[0]["id"].lower()

    lines = ok(cli, "stop", "--reason", "machine")
    assert lines[0] == "Not tracking"
    assert run_json(cli, "status")["track"]["trackingState"] == "idle"


def test_select_then_start_uses_the_selection(cli: Home, shared_server: Any) -> None:
    item = a_work_item(shared_server, "basket")
    lines = ok(cli, "select", "--work-item", f"#{item['id']}", "--activity", "testing")
    assert lines == [
        f"Selected #{item['id']} {item['title']} (Testing); `pacetray start` tracks it"
    ]
    selected = run_json(cli, "select", "--work-item", str(item["id"]))
    assert selected["tfsId"] == item["id"]
    ok(cli, "start")
    assert run_json(cli, "status")["track"]["tfsId"] == item["id"]

    # While tracking, the selection is for the next start; the summary must not confuse them.
    other = a_work_item(shared_server, "deploy")
    lines = ok(cli, "select", "--work-item", str(other["id"]))
    assert lines == [
        f"Selected #{other['id']} for the next start; still tracking #{item['id']} {item['title']}"
    ]
    ok(cli, "stop")


def test_latest_lists_the_tracked_work(cli: Home, shared_server: Any) -> None:
    item = a_work_item(shared_server)
    ok(cli, "start", "--work-item", str(item["id"]), "--remark", "for latest")
    ok(cli, "stop")
    result = run_json(cli, "latest", "-n", "1")
    assert len(result["workLogs"]) == 1
    assert result["workLogs"][0]["remark"] == "for latest"
    lines = ok(cli, "latest", "-n", "1")
    assert len(lines) == 1
    assert f"#{item['id']} " in lines[0]
    assert "“for latest”" in lines[0]


def test_search_by_text_and_by_id(cli: Home, shared_server: Any) -> None:
    item = a_work_item(shared_server)
    by_hash, by_digits, by_text, nothing = pacetray_all(
        cli,
        ("search", f"#{item['id']}", "--json"),
        ("search", str(item["id"]), "--json"),
        ("search", "checkout"),
        ("search", "no such thing zzqx"),
    )
    for found in (by_hash, by_digits):
        assert found.returncode == 0, found.stderr
        hits = json.loads(found.stdout)["workItems"]
        assert [hit["workItem"]["id"] for hit in hits] == [item["id"]]
    lines = by_text.stdout.splitlines()
    assert any(line.strip().startswith(f"#{item['id']} {item['title']}") for line in lines)
    assert nothing.stdout.splitlines() == ["No work items found for 'no such thing zzqx'"]


BAD_INPUT: list[tuple[tuple[str, ...], tuple[str, ...], int]] = [
    (("start", "--activity", "Juggling"), ("unknown activity 'Juggling'", "Development"), 2),
    (("start", "--work-item", "987654321"), ("work item #987654321 was not found", "search"), 1),
    (("select", "--work-item", "987654321"), ("work item #987654321 was not found",), 1),
    (("adjust",), ("nothing to adjust",), 2),
    (("latest", "-n", "0"), ("-n",), 2),
    (("snooze", "forever"), ("invalid choice",), 2),
    (("stop", "--reason", "boss"), ("invalid choice",), 2),
    (("start", "--work-item", "abc"), ("not a work item id",), 2),
]


def test_bad_input_is_one_line_naming_the_cause(cli: Home) -> None:
    results = pacetray_all(cli, *(args for args, _, _ in BAD_INPUT))
    for (_, needles, code), result in zip(BAD_INPUT, results, strict=True):
        assert_one_line_error(result, *needles)
        assert result.returncode == code, result


def test_unreachable_server(home: Home) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = pacetray(home, "status", "--server", url, "--token", "whatever")
    line = assert_one_line_error(result, f"cannot reach {url}", "is the server running?")
    assert "whatever" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert line


def test_rejected_token(cli: Home) -> None:
    result = pacetray(cli, "status", "--token", "wrong-token-abc")
    assert_one_line_error(result, "the server rejected the token")
    assert result.returncode == 1
    assert "wrong-token-abc" not in result.stdout + result.stderr


def test_no_server_and_no_token_say_what_to_pass(home: Home, shared_server: Any) -> None:
    no_server, no_token = pacetray_all(home, ("status",), ("status", "--server", shared_server.url))
    assert_one_line_error(no_server, "no server given", "--server")
    assert_one_line_error(no_token, "no token", "PACETRAY_TOKEN")


def test_insecure_remote_url_is_refused(home: Home) -> None:
    result = pacetray(home, "status", "--server", "http://example.com", "--token", "t")
    assert_one_line_error(result, "https://")


def test_command_line_token_wins_over_environment(cli: Home) -> None:
    bad = Home(cli.root, dict(cli.env, PACETRAY_TOKEN="bad"))
    rejected, accepted = pacetray_all(bad, ("status",), ("status", "--token", SERVER_TOKEN))
    assert_one_line_error(rejected, "rejected the token")
    assert accepted.returncode == 0, accepted.stderr


def test_a_broken_settings_file_is_named(home: Home) -> None:
    home.settings_file.parent.mkdir(parents=True)
    home.settings_file.write_text("server_url = [\n")
    result = pacetray(home, "status")
    assert_one_line_error(result, str(home.settings_file), "not valid TOML")
    assert result.returncode == 1


def test_a_server_warning_is_shown_on_stderr(cli: Home) -> None:
    # Answering an activity check when none runs: the server answers with a Warning.
    result = pacetray(cli, "activity-check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Not tracking")
    assert result.stderr.startswith("pacetray: warning: ")
    assert "activity check" in result.stderr


def test_a_console_without_unicode_gets_no_crash(home: Home) -> None:
    ascii_home = Home(home.root, dict(home.env, PYTHONIOENCODING="ascii"))
    url = f"http://127.0.0.1:{free_port()}"
    result = pacetray(ascii_home, "status", "--server", url, "--token", "t")
    assert_one_line_error(result, "cannot reach", "? is the server running?")
