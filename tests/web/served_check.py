#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""An installed `qdfu web` serves the installed page: index.html, the
WebAssembly build of libqdfu (as application/wasm, with its exports), and
nothing outside its directory.
  served_check.py QDFU"""
import subprocess
import sys
import urllib.error
import urllib.request

qdfu = sys.argv[1]
srv = subprocess.Popen([qdfu, "web", "--port", "0"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
try:
    url = srv.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        sys.exit("FAIL: qdfu web: %r %s" % (url, srv.stderr.read()))
    page = urllib.request.urlopen(url).read().decode()
    if "qdfu web flasher" not in page:
        sys.exit("FAIL: / is not the page")
    r = urllib.request.urlopen(url + "qdfu.wasm")
    wasm = r.read()
    if r.headers["Content-Type"] != "application/wasm" or wasm[:4] != b"\0asm" or \
            b"qw_flash" not in wasm:
        sys.exit("FAIL: qdfu.wasm is not libqdfu's WebAssembly build")
    try:
        urllib.request.urlopen(url + "../../etc/passwd")
        sys.exit("FAIL: a path outside the page was served")
    except urllib.error.HTTPError as e:
        if e.code not in (400, 404):
            sys.exit("FAIL: ../ answered %d" % e.code)
    print("web page served ok at " + url)
finally:
    srv.terminate()
    srv.wait()
