"""The parts of `make hub-test` that need no hub (seconds; part of `make test`): links and their one-line
errors, the port check, the answers written into a release notebook, /proc measures, git's smart HTTP
server, and the driver's one-line refusals of bad input. The hub itself runs in `make hub-test`."""
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hub import hubtest, procstat
from hub.links import LinkError, check_hub_url, pull_link, repo_folder

ROOT = Path(__file__).resolve().parents[2]
REPO = "https://github.com/acme/nn-labs-class"


def test_link_matches_the_readme_pattern():
    link = pull_link("https://hub.example.edu", REPO, "01_training")
    assert link == ("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Facme"
                    "%2Fnn-labs-class&branch=main&urlpath=lab%2Ftree%2Fnn-labs-class%2Flabs%2F01_training.ipynb")
    assert pull_link("https://hub.example.edu/hub/", REPO).endswith("urlpath=lab%2Ftree%2Fnn-labs-class%2Flabs%2F")
    assert check_hub_url("https://hub.example.edu:8443/prefix/") == "https://hub.example.edu:8443/prefix"
    assert repo_folder("https://host/a/nn-labs-class.git") == "nn-labs-class"


@pytest.mark.parametrize("hub_url, repo, lab, words", [
    ("", REPO, None, "no hub URL"),
    ("hub.example.edu", REPO, None, "not an http(s) address"),
    ("ftp://hub.example.edu", REPO, None, "not an http(s) address"),
    ("https://hub.example.edu/?next=x", REPO, None, "query or fragment"),
    ("https://hub.example.edu:port", REPO, None, "port that is not a number"),
    ("https://hub.example.edu", "", None, "no class repository URL"),
    ("https://hub.example.edu", "github.com/acme/nn-labs-class", None, "not a git URL"),
    ("https://hub.example.edu", "https://github.com/OWNER/nn-labs-class", None, "placeholder"),
    ("https://hub.example.edu", "https://github.com/", None, "names no repository"),
    ("https://hub.example.edu", REPO, "training", "not a lab's file stem"),
])
def test_malformed_input_gives_one_line(hub_url, repo, lab, words):
    with pytest.raises(LinkError) as caught:
        pull_link(hub_url, repo, lab)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_links_command_line(capsys):
    from hub import links

    assert links.main(["--hub", "https://hub.example.edu", "--repo", REPO, "--lab", "03_softmax"]) == 0
    assert capsys.readouterr().out.strip().endswith("03_softmax.ipynb")
    assert links.main(["--hub", "hub.example.edu", "--repo", REPO]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("links: hub URL") and "\n" not in err


def test_port_in_use_and_out_of_range():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(hubtest.HubTestError, match=f"port {port} is in use"):
            hubtest.check_port(port)
    with pytest.raises(hubtest.HubTestError, match="outside 1024-65535"):
        hubtest.check_port(80)


def test_answers_written_into_the_release_edition():
    key = json.loads((ROOT / "labs" / "03_softmax.ipynb").read_text())
    release = json.loads(json.dumps(key))
    stubbed = 0
    for cell in release["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "### BEGIN SOLUTION" in source:
            cell["source"] = source.split("### BEGIN SOLUTION")[0] + "raise NotImplementedError('not written yet')\n"
            stubbed += 1
    filled, count = hubtest.answered(release, key)
    assert count == stubbed > 0
    sources = ["".join(c["source"]) for c in filled["cells"]]
    assert not any("NotImplementedError('not written yet')" in s for s in sources)
    assert not any("SOLUTION" in s for s in sources)


def test_proc_measures_of_this_process():
    mem = procstat.memory_mib(os.getpid())
    assert 0 < mem["private"] <= mem["pss"] + 1 <= mem["rss"] + 1
    assert procstat.cpu_seconds(os.getpid()) > 0
    assert os.getpid() in procstat.pids_of_uid(os.getuid())
    assert procstat.memory_mib(2**22 + 12345) is None
    assert procstat.used_memory_mib() > 0


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_smart_http_serves_a_shallow_clone(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=source, check=True)
    (source / "README.md").write_text("labs\n")
    subprocess.run([*git, "add", "."], cwd=source, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], cwd=source, check=True)
    (tmp_path / "git").mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", source, tmp_path / "git" / "nn-labs-class"], check=True)
    server, url = hubtest.serve_git(tmp_path)
    try:
        # nbgitpuller clones with --depth 1, which git's plain HTTP protocol cannot serve
        subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "main", url, tmp_path / "clone"],
                       check=True, timeout=60)
        assert (tmp_path / "clone" / "README.md").read_text() == "labs\n"
        push = subprocess.run(["git", "push", url, "main"], cwd=tmp_path / "clone", capture_output=True, timeout=60)
        assert push.returncode != 0
    finally:
        server.shutdown()


@pytest.mark.parametrize("args, words", [
    (["--students", "0"], "--students 0: give 1 to 32"),
    (["--lab", "99_nothing"], "is not a lab of labs/"),
    (["--cull-timeout", "5"], "give 30 to 3600 seconds"),
])
def test_driver_refuses_bad_input_in_one_line(args, words):
    result = subprocess.run([sys.executable, "-m", "hub.hubtest", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("hub-test: ") and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
