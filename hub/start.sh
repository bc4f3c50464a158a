#!/bin/sh
# Entry point of the single-user images. On Zero to JupyterHub each student's pod runs with its own uid
# (hub/config.yaml: KubeSpawner.uid from the hub's user id), which the image's /etc/passwd does not list.
# nbgrader's exchange names a hand-in after the account (pwd.getpwuid) and git wants one too, so give the
# uid the student's hub name through nss_wrapper (Debian's libnss-wrapper), then start the server.
set -eu
if ! id -un >/dev/null 2>&1; then
  name=$(printf '%s' "${JUPYTERHUB_USER:-student}" | tr -c 'A-Za-z0-9._-' '_')
  dir=$(mktemp -d /tmp/nss.XXXXXX)
  cp /etc/passwd "$dir/passwd"
  cp /etc/group "$dir/group"
  printf '%s:x:%s:%s:%s:%s:/bin/bash\n' "$name" "$(id -u)" "$(id -g)" "$name" "${HOME:-/home/jovyan}" >> "$dir/passwd"
  if ! getent group "$(id -g)" >/dev/null 2>&1; then
    printf '%s:x:%s:\n' "$name" "$(id -g)" >> "$dir/group"
  fi
  export LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD="$dir/passwd" NSS_WRAPPER_GROUP="$dir/group"
fi
exec "$@"
