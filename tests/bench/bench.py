#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Paired, interleaved benchmarks of hardrun against crun (see tests/bench/README.md).

Run by tests/bench/bench.sh (root, a private mount namespace, cgroups disabled for every
runtime). Each round runs every case once per runtime, the runtimes in a rotated order, so that
a slow moment of the machine falls on all of them alike; the result of a case is the median of
its rounds, with min..max, and the ratio hardrun/peer of each round (median, min..max). Writes
results.md (a Markdown table) and results.json into the output directory. Benchmarks, not
tests: nothing here passes or fails on a time.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


class Runtime:
    def __init__(self, name, binary, work, manager="disabled"):
        self.name, self.binary, self.manager = name, binary, manager
        self.root = os.path.join(work, "state-" + name)
        os.makedirs(self.root, exist_ok=True)

    def argv(self, *args):
        # runc has no --cgroup-manager: cgroupfs unless --systemd-cgroup
        if os.path.basename(self.binary) == "runc":
            return [self.binary, "--root", self.root,
                    *(["--systemd-cgroup"] if self.manager == "systemd" else []), *args]
        return [self.binary, "--root", self.root, "--cgroup-manager=" + self.manager, *args]

    def call(self, *args, check=True, prefix=()):
        """Runs a command of the runtime; its wall time in ms (stdio to /dev/null)."""
        # stderr to a file: a detached container keeps what it inherited open
        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter_ns()
            r = subprocess.run([*prefix, *self.argv(*args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=err)
            ms = (time.perf_counter_ns() - t0) / 1e6
            if check and r.returncode != 0:
                err.seek(0)
                sys.exit("bench: %s %s: exit %d: %s" % (
                    self.name, " ".join(args), r.returncode,
                    err.read().decode(errors="replace")[-400:]))
        return ms

    def peak_rss_kib(self, *args):
        """The peak resident set of a command, in KiB, from GNU time: a child forked by this
        Python process would start with Python's own resident pages."""
        with tempfile.NamedTemporaryFile() as out:
            self.call(*args, prefix=("/usr/bin/time", "-f", "%M", "-o", out.name))
            return float(open(out.name).read().split()[-1])


def make_bundle(hardrun, work, name, rootfs, profile="minimal", edit=None):
    """A bundle of the busybox rootfs running /bin/true, config from `hardrun spec`."""
    bundle = os.path.join(work, "bundles", name)
    os.makedirs(bundle, exist_ok=True)
    subprocess.run([hardrun, "spec", "--bundle", bundle, "--profile", profile, "--force",
                    "--args", "/bin/true"], check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        config = json.load(f)
    # the same document for every runtime: the oldest version all of them take
    config["ociVersion"] = "1.0.2"
    config["process"]["terminal"] = False
    config.get("annotations", {}).clear()
    # one rootfs for every bundle, named by its absolute path (runc refuses a symlink)
    config["root"]["path"] = rootfs
    if edit:
        edit(config, work)
    with open(path, "w") as f:
        json.dump(config, f, indent="\t")
    return bundle


def with_binds(n):
    def edit(config, work):
        src = os.path.join(work, "bind-source")
        os.makedirs(src, exist_ok=True)
        for i in range(n):
            config["mounts"].append({"destination": "/mnt/b%d" % i, "type": "bind",
                                     "source": src, "options": ["rbind", "ro"]})
    return edit


def with_size(kib):
    def edit(config, work):
        # annotations make the bytes: every runtime reads them, none acts on them
        base = len(json.dumps(config))
        config.setdefault("annotations", {})
        i = 0
        while base + 1024 * i < kib * 1024:
            config["annotations"]["org.bench.k%05d" % i] = "x" * 1000
            i += 1
    return edit


def with_env(n):
    def edit(config, work):
        config["process"]["env"] += ["BENCH_%04d=%s" % (i, "v" * 32) for i in range(n)]
    return edit


class Case:
    """One measured operation: setup/teardown are not timed."""

    def __init__(self, name, bundle, kind="run", x=None, family=None, manager=None):
        # bundle: the bundle of a run or a create; for exec, the running container's ID.
        # manager: each container gets a cgroup of its own of that manager's form (set in
        # the bundle's config before each command, untimed): a systemd scope's name cannot
        # be reused at once
        self.name, self.bundle, self.kind, self.x, self.family = name, bundle, kind, x, family
        self.manager = manager

    def retarget(self, cid):
        """Points the bundle's linux.cgroupsPath at a cgroup named after cid; its directory."""
        if self.manager is None:
            return None
        path = os.path.join(self.bundle, "config.json")
        with open(path) as f:
            config = json.load(f)
        config["linux"]["cgroupsPath"] = cgroups_path(self.manager, cid)
        with open(path, "w") as f:
            json.dump(config, f)
        return cgroup_dir(self.manager, cid)

    def measure(self, rt, n):
        cid = "b%d" % n
        self.retarget(cid)
        if self.kind == "run":
            return rt.call("run", "--bundle", self.bundle, cid)
        if self.kind == "run-rss":
            # the value is the peak resident set of `run` in KiB, not a time
            return rt.peak_rss_kib("run", "--bundle", self.bundle, cid)
        if self.kind.startswith("run-x"):
            count = int(self.kind[5:])
            total = 0.0
            for i in range(count):
                self.retarget("%s-%d" % (cid, i))
                total += rt.call("run", "--bundle", self.bundle, "%s-%d" % (cid, i))
            return total
        if self.kind == "memory-peak":
            # the value is the container cgroup's memory.peak in KiB while its process runs:
            # the runtime's own pages charged to a small container, not a time
            rt.call("run", "-d", "--bundle", self.bundle, cid)
            with open(os.path.join(cgroup_dir(self.manager, cid), "memory.peak")) as f:
                peak = int(f.read()) / 1024
            rt.call("delete", "--force", cid)
            return peak
        if self.kind == "create-start-delete":
            total = rt.call("create", "--bundle", self.bundle, cid)
            total += rt.call("start", cid)
            # the process is /bin/true: wait until it is gone, untimed, then delete
            wait_stopped(rt, cid)
            return total + rt.call("delete", cid)
        if self.kind == "exec":
            return rt.call("exec", self.bundle, "/bin/true")
        raise ValueError(self.kind)


def cgroups_path(manager, name):
    return "bench.slice:bench:%s" % name if manager == "systemd" else "/bench/%s" % name


def with_cgroup(manager, name, limits=True):
    """A cgroup path of the manager's form, the same form for every runtime, and the
    production profile's limits (512 MiB, half a CPU) unless limits is False."""
    def edit(config, work):
        linux = config.setdefault("linux", {})
        linux["cgroupsPath"] = cgroups_path(manager, name)
        if limits:
            linux["resources"] = {"memory": {"limit": 512 * 1024 * 1024},
                                  "cpu": {"quota": 50000, "period": 100000}}
    return edit


def cgroup_dir(manager, name):
    if manager == "systemd":
        return "/sys/fs/cgroup/bench.slice/bench-%s.scope" % name
    return "/sys/fs/cgroup/bench/%s" % name


def vm_cases(hr, work, rootfs, manager):
    """The guest's cases: cgroups on, with limits; 50 sequential runs; memory.peak."""
    def bundle(name, edit_more=None, limits=True):
        def edit(config, w):
            with_cgroup(manager, name, limits)(config, w)
            if edit_more:
                edit_more(config, w)
        return make_bundle(hr, work, name, rootfs, edit=edit)
    sleep = lambda c, w: c["process"].update(args=["sleep", "100000"])
    return [
        Case("run minimal, cgroup with limits", bundle("run"), manager=manager),
        Case("create + start + delete, cgroup with limits", bundle("csd"),
             kind="create-start-delete", manager=manager),
        Case("50 sequential runs, cgroup with limits", bundle("seq"), kind="run-x50",
             manager=manager),
        Case("memory.peak of a busybox sleep container (KiB, not ms)",
             bundle("peak", sleep, limits=False), kind="memory-peak", manager=manager),
    ]


def wait_stopped(rt, cid):
    for _ in range(2000):
        r = subprocess.run(rt.argv("state", cid), capture_output=True)
        if r.returncode != 0 or b'"stopped"' in r.stdout:
            return
        time.sleep(0.001)


def floors_of(rootfs):
    """What no runtime can go below on this machine, measured in the same rounds: a process that
    does nothing, and the namespaces of the minimal spec made by unshare(1) with chroot into the
    same rootfs and /bin/true there (no mount, no config, no state)."""
    return [
        ("a process: /bin/true", ["/bin/true"]),
        ("namespaces + chroot + /bin/true (unshare)",
         ["unshare", "--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup", "--fork",
          "chroot", rootfs, "/bin/true"]),
    ]


def time_ms(argv):
    t0 = time.perf_counter_ns()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter_ns() - t0) / 1e6


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hardrun", required=True)
    ap.add_argument("--peer", action="append", default=[], help="NAME=BINARY")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="a smoke run: few rounds and cases")
    ap.add_argument("--vm", metavar="MANAGER",
                    help="the guest's cases, with this cgroup manager (cgroupfs, systemd)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()

    rootfs = os.path.join(args.work, "rootfs")
    if not os.path.isdir(rootfs):
        subprocess.run([os.path.join(SRC, "tests/integration/helpers/busybox-rootfs.sh"), rootfs],
                       check=True)
    manager = args.vm or "disabled"
    runtimes = [Runtime("hardrun", args.hardrun, args.work, manager)]
    for p in args.peer:
        name, _, binary = p.partition("=")
        runtimes.append(Runtime(name, binary, args.work, manager))

    hr = args.hardrun
    cases = [
        Case("run minimal", make_bundle(hr, args.work, "minimal", rootfs)),
        Case("run production (seccomp)",
             make_bundle(hr, args.work, "production", rootfs, profile="production")),
        Case("create + start + delete", make_bundle(hr, args.work, "csd", rootfs),
             kind="create-start-delete"),
        Case("peak RSS of run minimal (KiB, not ms)", make_bundle(hr, args.work, "rss", rootfs),
             kind="run-rss"),
    ]
    if not args.quick:
        cases.append(Case("100 sequential runs", make_bundle(hr, args.work, "seq", rootfs),
                          kind="run-x100"))
    if args.vm:
        cases = vm_cases(hr, args.work, rootfs, args.vm)
    # the smoke run keeps one short slope, so that its plot is made too
    slopes = [] if args.vm else [("bind mounts", [0, 10], with_binds)] if args.quick else [
        ("bind mounts", [0, 10, 50, 200], with_binds),
        ("config KiB", [16, 256, 1024, 4000, 8000], with_size),
        ("env entries", [10, 100, 1000], with_env),
    ]
    for family, xs, edit in slopes:
        for x in xs:
            cases.append(Case("run, %d %s" % (x, family),
                              make_bundle(hr, args.work, "%s-%d" % (family.split()[0], x), rootfs,
                                          edit=edit(x)), x=x, family=family))
    rounds = 3 if args.quick else args.rounds

    # exec: one running container per runtime
    sleeper = make_bundle(hr, args.work, "sleeper", rootfs,
                          edit=lambda c, w: c["process"].update(args=["sleep", "100000"]))
    for i, rt in enumerate(runtimes):
        rt.call("delete", "--force", "sleeper", check=False)
        if args.vm:
            Case("", sleeper, manager=args.vm).retarget("sleeper-%d" % i)
        rt.call("run", "-d", "--bundle", sleeper, "sleeper")
    cases.append(Case("exec /bin/true", "sleeper", kind="exec"))

    times = {c.name: {rt.name: [] for rt in runtimes} for c in cases}
    floors = [] if args.vm else floors_of(rootfs)
    floor_times = {name: [] for name, _ in floors}
    n = 0
    try:
        for r in range(rounds):
            for c in cases:
                order = runtimes[r % len(runtimes):] + runtimes[:r % len(runtimes)]
                for rt in order:
                    n += 1
                    times[c.name][rt.name].append(c.measure(rt, n))
            for name, argv in floors:
                floor_times[name].append(time_ms(argv))
            print("bench: round %d of %d" % (r + 1, rounds), file=sys.stderr, flush=True)
    finally:
        for rt in runtimes:
            rt.call("delete", "--force", "sleeper", check=False)

    results = {"rounds": rounds, "runtimes": {rt.name: rt.binary for rt in runtimes},
               "cases": []}
    for c in cases:
        entry = {"case": c.name, "family": c.family, "x": c.x, "ms": {}, "ratio": {}}
        for rt in runtimes:
            entry["ms"][rt.name] = summary(times[c.name][rt.name])
        for rt in runtimes[1:]:
            ratios = [a / b for a, b in zip(times[c.name]["hardrun"], times[c.name][rt.name])]
            entry["ratio"][rt.name] = summary(ratios)
        results["cases"].append(entry)
    # the slopes: least squares of the medians against x, ms per unit
    results["slopes"] = {}
    for family, xs, _ in slopes:
        fam = [e for e in results["cases"] if e["family"] == family]
        results["slopes"][family] = {}
        for rt in runtimes:
            pts = [(e["x"], e["ms"][rt.name]["median"]) for e in fam]
            mx = statistics.mean(p[0] for p in pts)
            my = statistics.mean(p[1] for p in pts)
            den = sum((p[0] - mx) ** 2 for p in pts)
            results["slopes"][family][rt.name] = (
                sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else 0.0)

    results["floors"] = {name: summary(t) for name, t in floor_times.items()}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = ["| case | " + " | ".join("%s ms (min..max)" % rt.name for rt in runtimes) +
             "".join(" | hardrun/%s" % rt.name for rt in runtimes[1:]) + " |",
             "|---" * (1 + 2 * len(runtimes) - 1) + "|"]
    for e in results["cases"]:
        cells = ["%.2f (%.2f..%.2f)" % (e["ms"][rt.name]["median"], e["ms"][rt.name]["min"],
                                        e["ms"][rt.name]["max"]) for rt in runtimes]
        cells += ["%.2f (%.2f..%.2f)" % (e["ratio"][p]["median"], e["ratio"][p]["min"],
                                         e["ratio"][p]["max"]) for p in e["ratio"]]
        lines.append("| %s | %s |" % (e["case"], " | ".join(cells)))
    for family, per in results["slopes"].items():
        unit = {"bind mounts": "bind mount", "config KiB": "KiB of config",
                "env entries": "env entry"}[family]
        lines.append("| slope: ms per %s | %s |" % (
            unit,
            " | ".join("%.4f" % per[rt.name] for rt in runtimes) +
            "".join(" | %.2f" % (per["hardrun"] / per[rt.name]) if per[rt.name] else " | -"
                    for rt in runtimes[1:])))
    lines += floor_lines(results, runtimes)
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("%d rounds, paired and rotated; %s; busybox /bin/true.\n\n" % (
            rounds, "cgroup manager " + args.vm if args.vm else "cgroups disabled"))
        f.write(table)
    print(table)
    if slopes:
        plot(results, slopes, runtimes, args.out)


def floor_lines(results, runtimes):
    """The floors, and the room they leave: run minimal over the namespace floor, and the
    smallest create + start + delete could be (that floor and two more processes) over the
    fastest peer's."""
    floors = results.get("floors") or {}
    if not floors:
        return []
    lines = ["| floor: %s | %.2f (%.2f..%.2f) |" % (name, f["median"], f["min"], f["max"])
             for name, f in floors.items()]
    proc = floors["a process: /bin/true"]["median"]
    ns = floors["namespaces + chroot + /bin/true (unshare)"]["median"]
    cases = {e["case"]: e["ms"] for e in results["cases"]}
    if "run minimal" in cases:
        lines.append("| run minimal / namespace floor | %.2f |" % (
            cases["run minimal"]["hardrun"]["median"] / ns))
    csd = cases.get("create + start + delete")
    if csd and len(runtimes) > 1:
        best = min(csd[rt.name]["median"] for rt in runtimes[1:])
        lines.append("| create + start + delete at its floor (namespace floor + 2 processes)"
                     " / the fastest peer | %.2f |" % ((ns + 2 * proc) / best))
    return lines


def plot(results, slopes, runtimes, out):
    """slopes.svg: the medians of each slope family against x, one panel per family (gnuplot)."""
    gp = ["set terminal svg size %d,400 dynamic" % (420 * len(slopes)),
          "set output '%s'" % os.path.join(out, "slopes.svg"),
          "set multiplot layout 1,%d" % len(slopes), "set key top left", "set grid",
          "set ylabel 'ms (median)'"]
    for i, (family, _, _) in enumerate(slopes):
        data = os.path.join(out, "slope-%d.dat" % i)
        with open(data, "w") as f:
            f.write("# x " + " ".join(rt.name for rt in runtimes) + "\n")
            for e in results["cases"]:
                if e["family"] == family:
                    f.write("%d %s\n" % (e["x"], " ".join(
                        "%.3f" % e["ms"][rt.name]["median"] for rt in runtimes)))
        gp.append("set xlabel '%s'" % family)
        gp.append("plot " + ", ".join("'%s' using 1:%d with linespoints title '%s'" % (
            data, j + 2, rt.name) for j, rt in enumerate(runtimes)))
    gp.append("unset multiplot")
    with open(os.path.join(out, "slopes.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")
    if shutil.which("gnuplot") is None:
        print("bench: no gnuplot (apt-get install gnuplot-nox): %s/slopes.gp not drawn" % out,
              file=sys.stderr)
        return
    subprocess.run(["gnuplot", os.path.join(out, "slopes.gp")], check=True)


if __name__ == "__main__":
    main()
