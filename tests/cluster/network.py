"""Test hosts in Linux network namespaces, on one private subnet.

A namespace ``rsuc-sw`` holds a bridge (the switch); each host is a
namespace with one veth cable plugged into it. The root namespace is
plugged in too, at ``ROOT_ADDRESS``: the machine's PostgreSQL (through a
relay), the SMS gateway and the test's clients live there. Nothing is
routed beyond the subnet, and the root namespace's own settings (forwarding,
firewall) are not touched.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

PREFIX = "rsuc-"
SWITCH = f"{PREFIX}sw"
SUBNET_BITS = 24
ROOT_ADDRESS = "10.231.0.1"
ROOT_LINK = f"{PREFIX}root"


@dataclass(frozen=True)
class Host:
    name: str  # the namespace, rsuc-<short>
    address: str

    def command(self, *args: str) -> list[str]:
        """A command line that runs inside this host."""
        return ["ip", "netns", "exec", self.name, *args]


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=20)


def namespaces_allowed() -> str | None:
    """None when namespaces can be made here; otherwise why not."""
    probe = f"{PREFIX}probe"
    try:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True, timeout=20)
        ip("netns", "add", probe)
        ip("netns", "del", probe)
    except FileNotFoundError:
        return "the ip command (iproute2) is missing"
    except subprocess.CalledProcessError as error:
        return f"`ip netns add` failed: {error.stderr.strip() or error.returncode}"
    return None


def _plug(namespace: str | None, link: str, address: str | None) -> None:
    """One veth: ``link`` on the host's side (root when ``namespace`` is None),
    its peer on the bridge."""
    peer = f"{link}-b"
    ip("link", "add", link, "type", "veth", "peer", "name", peer)
    ip("link", "set", peer, "netns", SWITCH)
    ip("-n", SWITCH, "link", "set", peer, "master", "br0", "up")
    scope = [] if namespace is None else ["-n", namespace]
    if namespace is not None:
        ip("link", "set", link, "netns", namespace)
    if address:
        ip(*scope, "addr", "add", f"{address}/{SUBNET_BITS}", "dev", link)
    ip(*scope, "link", "set", link, "up")


def build(hosts: list[Host]) -> None:
    ip("netns", "add", SWITCH)
    ip("-n", SWITCH, "link", "add", "br0", "type", "bridge")
    ip("-n", SWITCH, "link", "set", "br0", "up")
    _plug(None, ROOT_LINK, ROOT_ADDRESS)
    for host in hosts:
        ip("netns", "add", host.name)
        ip("-n", host.name, "link", "set", "lo", "up")
        _plug(host.name, f"{host.name}-a", host.address)


def tear_down(hosts: list[Host]) -> None:
    """Remove whatever exists of ours; safe to call twice, or after a failed build."""
    for name in [host.name for host in hosts] + [SWITCH]:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)
    # The root end goes with its peer; deleted here in case the switch never existed.
    subprocess.run(["ip", "link", "del", ROOT_LINK], capture_output=True, timeout=20)
