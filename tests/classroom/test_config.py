"""The instructors' classroom files: the hub config loads and names options JupyterHub has; the postStart pull works."""

import subprocess

import yaml
from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.proxy import ConfigurableHTTPProxy
from jupyterhub.spawner import LocalProcessSpawner, Spawner
from traitlets.config import PyFileConfigLoader

from hub import BIN, CLASSROOM_CONFIG

# The classes the config files set options of; KubeSpawner (Zero to JupyterHub's) takes the Spawner's options.
CLASSES = {cls.__name__: cls for cls in (JupyterHub, Authenticator, SharedPasswordAuthenticator,
                                         ConfigurableHTTPProxy, Spawner, LocalProcessSpawner)}
CLASSES["KubeSpawner"] = Spawner
Z2JH = CLASSROOM_CONFIG.parent / "config.yaml"
REPOSITORY = "https://github.com/OWNER/djmig"  # the placeholder config.yaml and README.md use


def _unknown(config):
    """Return the options in CONFIG (section -> {name: value}) that their JupyterHub class does not have."""
    return [f"{section}.{name}" for section, options in config.items() for name in options
            if name not in CLASSES[section].class_trait_names(config=True)]


def test_the_one_machine_config_loads_and_sets_only_options_jupyterhub_has(monkeypatch, tmp_path):
    monkeypatch.setenv("DJMIG_COURSE", str(tmp_path / "course"))
    monkeypatch.setenv("DJMIG_LEARNERS", "learner1 learner2")
    config = PyFileConfigLoader(CLASSROOM_CONFIG.name, path=str(CLASSROOM_CONFIG.parent)).load_config()
    assert _unknown(config) == []
    assert config.Spawner.notebook_dir == "~"
    assert config.Spawner.default_url == "/lab/tree/course/00-the-four-moving-pieces.ipynb"
    assert config.Authenticator.allowed_users == {"learner1", "learner2"}
    assert sorted(config.Spawner.environment) == ["DJMIG_SANDBOXES"]
    assert callable(config.Spawner.pre_spawn_hook)
    # The hub loads the file as the test's hub does, and takes its spawner and proxy.
    hub = JupyterHub(config=config)
    assert hub.spawner_class is LocalProcessSpawner
    assert hub.proxy_class is ConfigurableHTTPProxy


def test_the_zero_to_jupyterhub_config_sets_only_options_jupyterhub_has():
    values = yaml.safe_load(Z2JH.read_text())
    assert _unknown(values["hub"]["config"]) == []
    password = values["hub"]["config"]["SharedPasswordAuthenticator"]["user_password"]
    assert len(password) >= 8, "SharedPasswordAuthenticator refuses passwords under 8 characters"
    single = values["singleuser"]
    assert set(single) <= {"image", "defaultUrl", "lifecycleHooks", "storage", "memory", "cpu", "extraEnv"}
    assert single["defaultUrl"].startswith("/lab/tree/djmig/notebooks/")


def _git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=instructor", "-c", "user.email=instructor@example.org", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_the_post_start_hook_pulls_the_course_home_and_keeps_the_learners_changes(tmp_path):
    """config.yaml's postStart command, with a course repository of the test's: each start pulls it again."""
    course = tmp_path / "course-repo"
    (course / "notebooks").mkdir(parents=True)
    (course / "notebooks" / "00-the-four-moving-pieces.ipynb").write_text('{"cells": []}\n')
    _git("init", "--initial-branch=main", cwd=course)
    _git("add", ".", cwd=course)
    _git("commit", "-m", "the course", cwd=course)
    home = tmp_path / "home"
    home.mkdir()
    command = yaml.safe_load(Z2JH.read_text())["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    program, url, branch, target = command
    assert (program, url, branch, target) == ("gitpuller", REPOSITORY, "main", "/home/jovyan/djmig")
    pull = [str(BIN / program), str(course), branch, str(home / "djmig")]
    notebook = home / "djmig" / "notebooks" / "00-the-four-moving-pieces.ipynb"
    for start in range(2):
        subprocess.run(pull, cwd=home, check=True, capture_output=True, timeout=120)
        assert notebook.is_file()
        if start == 0:
            notebook.write_text('{"cells": [], "ran": true}\n')  # the learner runs and saves it
            (course / "notebooks" / "01-start-a-project.ipynb").write_text('{"cells": []}\n')
            _git("add", ".", cwd=course)
            _git("commit", "-m", "notebook 01", cwd=course)
    assert notebook.read_text() == '{"cells": [], "ran": true}\n'
    assert (home / "djmig" / "notebooks" / "01-start-a-project.ipynb").is_file()
