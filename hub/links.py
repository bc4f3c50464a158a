"""nbgitpuller links to the class repository, with one-line errors for a malformed hub or repository URL.

    python hub/links.py --hub https://hub.example.edu --repo https://github.com/OWNER/nn-labs-class [--lab 01_training]

prints the link that clones the class repository into a student's home on the first click (and merges
updates on later clicks), then opens JupyterLab on that lab (or on the labs/ folder).
"""
import argparse
import re
import sys
from urllib.parse import quote, urlencode, urlsplit

LAB_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


class LinkError(ValueError):
    """A URL or lab name that cannot make a link (the message says what to fix)."""


def check_hub_url(url):
    """The hub's base URL without a trailing slash, or LinkError."""
    if not url:
        raise LinkError("no hub URL: give the hub's address, for example https://hub.example.edu")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkError(f"hub URL {url!r} is not an http(s) address; write it as https://hub.example.edu")
    if parts.query or parts.fragment:
        raise LinkError(f"hub URL {url!r} has a query or fragment; give the hub's base address only")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise LinkError(f"hub URL {url!r} has a port that is not a number") from None
    path = parts.path.rstrip("/")
    if path.endswith("/hub"):  # https://host/hub/ is a common paste; the link adds /hub/ itself
        path = path[: -len("/hub")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def check_repo_url(url):
    """The class repository's URL, or LinkError. nbgitpuller runs `git clone` on it in the student's server."""
    if not url:
        raise LinkError("no class repository URL: set [tool.labs] class_repository in pyproject.toml "
                        "(the repository that `make release DEST=...` writes)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "git", "file") or (parts.scheme != "file" and not parts.hostname):
        raise LinkError(f"repository URL {url!r} is not a git URL nbgitpuller can clone; "
                        "use https://host/owner/repository")
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not name or name in (".", ".."):
        raise LinkError(f"repository URL {url!r} names no repository; use https://host/owner/repository")
    if "OWNER" in parts.path.split("/"):
        raise LinkError(f"repository URL {url!r} is still the placeholder; set [tool.labs] class_repository")
    return url.rstrip("/")


def repo_folder(repo_url):
    """The folder nbgitpuller clones into: the repository's name, without .git."""
    name = urlsplit(repo_url).path.rstrip("/").rsplit("/", 1)[-1]
    return name[: -len(".git")] if name.endswith(".git") else name


def pull_link(hub_url, repo_url, lab=None, branch="main"):
    """The nbgitpuller link: clone or merge the class repository, then open the lab (or labs/)."""
    hub = check_hub_url(hub_url)
    repo = check_repo_url(repo_url)
    if lab is not None and not LAB_NAME.match(lab):
        raise LinkError(f"lab {lab!r} is not a lab's file stem; use a name such as 01_training")
    if not branch or any(ch.isspace() for ch in branch):
        raise LinkError(f"branch {branch!r} is not a branch name")
    folder = repo_folder(repo)
    target = f"lab/tree/{folder}/labs/" + (f"{lab}.ipynb" if lab else "")
    query = urlencode({"repo": repo, "branch": branch, "urlpath": target}, quote_via=quote, safe="")
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", required=True, help="the class repository's URL")
    parser.add_argument("--lab", default=None, help="a lab's file stem, e.g. 01_training (default: the labs/ folder)")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    try:
        print(pull_link(args.hub, args.repo, args.lab, args.branch))
    except LinkError as error:
        print(f"links: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
