#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Make an fwupd cabinet (.cab) from a DfuSe image made by `qdfu pack`.

  make-cab.py --image firmware.dfu --instance-id 'USB\\VID_1209&PID_0001' \\
              --version 1.2 --id com.example.board.firmware --name 'Example Board' \\
              --vendor Example -o board-1.2.cab

Fills board.metainfo.xml.in (next to this script) and runs Debian's
`fwupdtool build-cabinet`. docs/fwupd.md explains every field.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))


def guid_of(instance_id):
    """fwupd's GUID of an instance ID: a name-based (SHA-1) UUID in the DNS
    namespace over the UTF-8 string (fwupd_guid_hash_string)."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, instance_id))


def metainfo(a):
    with open(os.path.join(HERE, "board.metainfo.xml.in")) as f:
        text = f.read()
    fields = {
        "ID": a.id, "NAME": a.name, "GUID": guid_of(a.instance_id), "HOMEPAGE": a.homepage,
        "VENDOR": a.vendor, "VERSION": a.version, "DATE": a.date,
        "RELEASE_NOTES": a.notes,
    }
    for key, value in fields.items():
        text = text.replace("@%s@" % key, escape(value))
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--image", required=True, help="DfuSe image (qdfu pack ... -o X.dfu)")
    ap.add_argument("--instance-id", required=True,
                    help="the board's USB instance ID, e.g. 'USB\\VID_1209&PID_0001'")
    ap.add_argument("--version", required=True, help="release version, e.g. 1.2")
    ap.add_argument("--id", required=True, help="component ID, e.g. com.example.board.firmware")
    ap.add_argument("--name", required=True, help="product name")
    ap.add_argument("--vendor", required=True, help="developer name")
    ap.add_argument("--homepage", default="https://example.com/")
    ap.add_argument("--notes", default="New firmware.", help="release notes (one paragraph)")
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    ap.add_argument("-o", "--output", required=True, help="the .cab to write")
    a = ap.parse_args()
    tool = shutil.which("fwupdtool") or "/usr/libexec/fwupd/fwupdtool"
    if not os.path.exists(tool):
        sys.exit("make-cab: fwupdtool not found: install Debian's fwupd")
    if not os.path.isfile(a.image):
        sys.exit("make-cab: %s: no such image (make it with qdfu pack)" % a.image)
    out = os.path.abspath(a.output)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(a.image, os.path.join(tmp, "firmware.dfu"))
        with open(os.path.join(tmp, "firmware.metainfo.xml"), "w") as f:
            f.write(metainfo(a))
        # fwupdtool wants writable state and cache directories
        env = dict(os.environ)
        for var, sub in (("FWUPD_LOCALSTATEDIR", "var"), ("CACHE_DIRECTORY", "cache"),
                         ("STATE_DIRECTORY", "state"), ("LOCALCONF_DIRECTORY", "etc")):
            env.setdefault(var, os.path.join(tmp, sub))
            os.makedirs(env[var], exist_ok=True)
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.run([tool, "build-cabinet", out, "firmware.dfu", "firmware.metainfo.xml"],
                           cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0 or not os.path.exists(out):
            sys.exit("make-cab: fwupdtool build-cabinet failed:\n" + p.stdout.decode(errors="replace"))
    print("wrote %s (GUID %s for %s)" % (a.output, guid_of(a.instance_id), a.instance_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
