"""JupyterHub configuration of `make hub-test` (hub/hubtest.py writes the settings file it reads).

A real hub on one machine: configurable-http-proxy from npm, LocalProcessSpawner starting each
student's `jupyterhub-singleuser` as that student's own system account (the hub runs as root), a
password authenticator with one password per student, and jupyterhub-idle-culler as a hub service.
Zero to JupyterHub's config.yaml (hub/config.yaml) sets the same things for Kubernetes.
"""
import json
import os
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Dict

settings = json.loads(Path(os.environ["HUBTEST_SETTINGS"]).read_text())
c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)


class PasswordFileAuthenticator(Authenticator):
    """Each student logs in with their own password (the test's class list); anything else is refused."""

    passwords = Dict(config=True)

    async def authenticate(self, handler, data):
        name = data.get("username", "")
        if name in self.passwords and data.get("password") == self.passwords[name]:
            return name
        return None


c.JupyterHub.authenticator_class = PasswordFileAuthenticator
c.PasswordFileAuthenticator.passwords = settings["passwords"]
c.Authenticator.allowed_users = set(settings["passwords"])
c.Authenticator.admin_users = set()

c.JupyterHub.bind_url = f"http://127.0.0.1:{settings['port']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{settings['work']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{settings['work']}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{settings['work']}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# activity reaches the hub every 10 s (default 300 s), so that a short idle timeout can be tested
c.JupyterHub.last_activity_interval = 10

c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = settings["spawn_timeout"]
c.Spawner.http_timeout = settings["spawn_timeout"]
c.Spawner.environment = {
    "NBGRADER_EXCHANGE": settings["exchange"],
    "NN_LABS_COURSE_ID": settings["course_id"],
    "JUPYTERHUB_ACTIVITY_INTERVAL": "10",
    "PATH": f"{Path(settings['singleuser']).parent}:/usr/bin:/bin",
}

c.JupyterHub.load_roles = [
    {"name": "hubtest-driver", "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
     "services": ["hubtest-driver"]},
    {"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
     "services": ["idle-culler"]},
]
c.JupyterHub.services = [
    {"name": "hubtest-driver", "api_token": settings["driver_token"]},
    {"name": "idle-culler",
     "command": [settings["culler"], f"--timeout={settings['cull_timeout']}",
                 f"--cull-every={settings['cull_every']}", "--concurrency=4"]},
]
