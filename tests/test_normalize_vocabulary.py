"""The glue step's word list is cached on disk and reads back the same in another process."""
import subprocess
import sys

CHECK = ("from normalize.glue import vocabulary; v = vocabulary('en'); "
         "print(v.get('argued'), v.get('regurgitation'), 'xyzzyqq' in v, len(v))")


def test_vocabulary_cache_gives_the_same_answers_in_a_new_process(tmp_path):
    env = {"FORUMSIFT_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert list((tmp_path / "forumsift").glob("vocab-*.marshal")), "the built vocabulary was cached"
    second = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env)
    assert second.stdout == first.stdout and "False" in first.stdout


def test_an_unwritable_cache_folder_only_costs_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    env = {"FORUMSIFT_CACHE_DIR": str(blocker), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
