"""SkyPilot's own verdict on task files, one JSON line per file.

Usage: python validate_tasks.py FILE... (or the file names on stdin, one a line, when no argument is given).

Runs the checks `sky launch` runs before it plans anything, in the order SkyPilot runs them:
  1. loading (client side): the multi-document file as a chain DAG (`dag_utils.load_chain_dag_from_yaml`), or a
     job group when the header says `execution: parallel` (`dag_utils.load_job_group_from_yaml`), with
     `--env NAME=...` for every `envs: {NAME: null}` (Skyport lists those as required at launch); this is
     `Task.from_yaml_config` per document: the JSON schema, env/secret rules, `Resources.from_yaml_config`
     (accelerator, cpus/memory/disk, ports, infra, autostop, priority syntax) and `SkyServiceSpec`.
  2. the API server's `/validate` (sky/server/server.py): `dag.resolve_and_validate_volumes()` then
     `dag.validate(skip_file_mounts=True, skip_workdir=True)`, i.e. the task name, `run`, and for every
     resource `Resources.validate()`'s steps (`_try_validate_*`).

Step 2 is run step by step. A step whose verdict depends on the user's environment rather than the file (it
needs enabled clouds, a downloaded catalog, a named volume or a kubeconfig context) is recorded in `skipped`
and does not make the file invalid: Skyport cannot know those either when it validates offline. No network is
used: the caller runs this in a network namespace without routes where it can, and every socket connect or DNS
lookup here raises; any attempt is reported in `network_attempts` (the harness fails when there is one).
"""
import json
import os
import socket
import sys
import traceback

NETWORK_ATTEMPTS = []

# SkyPilot prints warnings and hints on stdout; only our JSON lines may go there.
out = os.fdopen(os.dup(1), 'w', encoding='utf-8')
os.dup2(2, 1)
sys.stdout = sys.stderr


class OfflineError(OSError):
    """Raised instead of opening a network connection."""


def _refuse(kind):
    def refuse(*args, **kwargs):
        target = args[1] if kind == 'connect' and len(args) > 1 else args[0] if args else None
        if kind == 'connect' and len(args) > 0 and getattr(args[0], 'family', None) == socket.AF_UNIX:
            return _original_connect(*args, **kwargs)
        NETWORK_ATTEMPTS.append(f'{kind} {target!r}')
        raise OfflineError(f'network disabled during validation ({kind} {target!r})')

    return refuse


_original_connect = socket.socket.connect
socket.socket.connect = _refuse('connect')  # type: ignore[method-assign]
socket.socket.connect_ex = _refuse('connect')  # type: ignore[method-assign]
socket.getaddrinfo = _refuse('getaddrinfo')  # type: ignore[assignment]
socket.create_connection = _refuse('create_connection')  # type: ignore[assignment]

# Quiet, offline, and never touching the real ~/.sky: the caller sets HOME to a throwaway directory too.
os.environ.setdefault('SKYPILOT_DISABLE_USAGE_COLLECTION', '1')
os.environ.setdefault('SKYPILOT_DEBUG', '0')
os.environ.setdefault('SKYPILOT_MINIMIZE_LOGGING', '1')

import logging  # noqa: E402

import requests  # noqa: E402


class CatalogOffline(requests.exceptions.ConnectionError):
    """SkyPilot downloads its catalogs from GitHub on first use; here that is refused before any socket opens."""


def _no_download(self, method, url, *args, **kwargs):
    raise CatalogOffline(f'download refused during offline validation: {method} {url}')


requests.Session.request = _no_download  # type: ignore[method-assign]

logging.disable(logging.WARNING)

import sky  # noqa: E402,F401
from sky import exceptions  # noqa: E402
from sky import check as sky_check  # noqa: E402
from sky.utils import dag_utils  # noqa: E402
from sky.utils import yaml_utils  # noqa: E402

# No cloud is enabled: SkyPilot's own answer for a user who has not run `sky check`. A step that needs one
# raises NoCloudAccessError (recorded as skipped); a step that loops over enabled clouds checks none.
sky_check.get_cached_enabled_clouds_or_refresh = lambda *a, **k: (_ for _ in ()).throw(  # type: ignore
    exceptions.NoCloudAccessError('no cloud enabled (offline validation)')) if k.get(
        'raise_if_no_cloud_access') or (len(a) > 1 and a[1]) else []

RESOURCE_STEPS = [
    '_try_canonicalize_accelerators',
    '_try_validate_and_set_region_zone',
    '_try_validate_instance_type',
    '_try_validate_cpus_mem',
    '_try_validate_managed_job_attributes',
    '_try_validate_image_id',
    '_try_validate_disk_tier',
    '_try_validate_volumes',
    '_try_validate_ports',
    '_try_validate_labels',
    '_try_validate_local_disk',
    '_try_validate_max_hourly_cost',
]


def _message(error):
    text = str(error).strip() or type(error).__name__
    # SkyPilot colours some messages; strip ANSI escapes.
    import re
    return re.sub(r'\x1b\[[0-9;]*m', '', text)


def _environment_dependent(error):
    """True when the error says something about this machine (clouds, catalogs, volumes), not the file."""
    if isinstance(error, (exceptions.NoCloudAccessError, exceptions.VolumeNotFoundError, OfflineError, CatalogOffline)):
        return True
    # Only the base package is installed: a cloud's SDK (kubernetes, boto3, ...) is an extra.
    if isinstance(error, ImportError) and 'pip install' in str(error):
        return True
    chain = error
    while chain is not None:
        if isinstance(chain, (OfflineError, CatalogOffline)):
            return True
        chain = chain.__cause__ or chain.__context__
    text = _message(error).lower()
    markers = ('network disabled during validation', 'download refused during offline validation', 'kubeconfig')
    return any(m in text for m in markers)


def _required_envs(text):
    try:
        documents = yaml_utils.read_yaml_all_str(text)
    except Exception:  # noqa: BLE001 -- the loader reports the syntax error itself
        return []
    names = []
    for doc in documents:
        envs = doc.get('envs') if isinstance(doc, dict) else None
        if isinstance(envs, dict):
            names += [str(k) for k, v in envs.items() if v is None and str(k) not in names]
    return names


def verdict(path):
    skipped = []
    with open(path, encoding='utf-8') as f:
        text = f.read()
    try:
        # `skyport validate` accepts `envs: {NAME: null}` and lists NAME as required at launch; the equivalent
        # SkyPilot run is `sky launch --env NAME=...`, so each such name gets a value here.
        overrides = [(name, 'skyport-compat-placeholder') for name in _required_envs(text)] or None
        # The file loaders, as `sky launch FILE` uses them: they also refuse duplicate keys and empty files.
        if dag_utils.is_job_group_yaml_str(text):
            dag = dag_utils.load_job_group_from_yaml(path, env_overrides=overrides)
        else:
            dag = dag_utils.load_chain_dag_from_yaml(path, env_overrides=overrides)
    except Exception as error:  # noqa: BLE001 -- every failure is a verdict
        if _environment_dependent(error) and not isinstance(error, (ValueError, AssertionError)):
            return {'verdict': 'valid', 'skipped': [f'load: {_message(error)}']}
        return {'verdict': 'invalid', 'stage': 'load', 'message': _message(error), 'error': type(error).__name__}
    try:
        dag.resolve_and_validate_volumes()
    except Exception as error:  # noqa: BLE001
        if _environment_dependent(error):
            skipped.append(f'volumes: {_message(error)}')
        else:
            return {'verdict': 'invalid', 'stage': 'volumes', 'message': _message(error), 'error': type(error).__name__}
    for task in dag.tasks:
        for step in (task.validate_name, task.validate_run):
            try:
                step()
            except Exception as error:  # noqa: BLE001
                return {'verdict': 'invalid', 'stage': step.__name__, 'message': _message(error), 'error': type(error).__name__}
        for resources in task.resources:
            for name in RESOURCE_STEPS:
                step = getattr(resources, name, None)
                if step is None:
                    continue
                try:
                    step()
                except Exception as error:  # noqa: BLE001
                    if _environment_dependent(error):
                        note = f'{name}: {_message(error)[:160]}'
                        if note not in skipped:
                            skipped.append(note)
                        continue
                    return {'verdict': 'invalid', 'stage': name, 'message': _message(error), 'error': type(error).__name__}
    result = {'verdict': 'valid'}
    if skipped:
        result['skipped'] = skipped
    return result


def main():
    files = sys.argv[1:] or [line.strip() for line in sys.stdin if line.strip()]
    for path in files:
        before = len(NETWORK_ATTEMPTS)
        try:
            result = verdict(path)
        except Exception as error:  # noqa: BLE001 -- a crash in the harness is reported, not fatal
            result = {'verdict': 'error', 'message': _message(error), 'trace': traceback.format_exc()[-800:]}
        if len(NETWORK_ATTEMPTS) > before:
            result['network_attempts'] = NETWORK_ATTEMPTS[before:]
        result['file'] = path
        out.write(json.dumps(result) + '\n')
        out.flush()


if __name__ == '__main__':
    main()
