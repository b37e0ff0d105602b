#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Client sessions written with pyusb the way real tools talk DfuSe.

  pydfu FILE ADDR [PAGE]  micropython's pydfu: no SET_INTERFACE, SET_ADDRESS before
                   every chunk, GETSTATUS twice with no sleep, leave with
                   SET_ADDRESS(0x08000000) + DNLOAD(0, empty)
  fwupd FILE ADDR  fwupd's dfu plugin: erase all pages first, address once,
                   block numbers increment, sleep bwPollTimeout, verify by
                   UPLOAD after ABORT with no GETSTATUS, attach = DNLOAD(2, empty)
  dfuutil07 FILE ADDR  dfu-util 0.7's dfuse.c: after a command exactly two
                   GETSTATUS with a sleep of bwPollTimeout between (only
                   bStatus checked), then ABORT and GETSTATUS == dfuIDLE;
                   data chunks: GETSTATUS + sleep until dfuDNLOAD-IDLE
  iap FILE ADDR STYLE  a client that never erases (STM32CubeProgrammer with an
                   "IAP" device, issue 21): STYLE "stride" sets the address
                   once and increments block numbers in wTransferSize chunks;
                   "addr1024" / "addr2048" set the address before every chunk
                   of that size (block 2); verify by UPLOAD, then leave
  webdfu FILE -    the Daisy web programmer (electro-smith/Programmer, on
                   devanlai's webdfu dfu.js + dfuse.js): picks the first DFU alt
                   whose name holds "0x08000000", parses its layout with
                   webdfu's regexes, starts at the first writable segment
                   (+ 0x40000 at 0x90000000); GETSTATUS (CLRSTATUS if dfuERROR),
                   one ERASE per sector, then SET_ADDRESS + DNLOAD(2) per
                   wTransferSize chunk, GETSTATUS polled with bwPollTimeout
                   sleeps, leave: SET_ADDRESS(start) + DNLOAD(0, empty), poll
                   until dfuMANIFEST
  webdfu-layouts - -  prints every alt's layout as webdfu parses it (JSON)
  die FILE ADDR    erases and writes a few blocks, then the process is killed
  killsim FILE ADDR  erases, writes every block but the last (each until
                   dfuDNLOAD-IDLE), sends an ABORT (it completes once every
                   block before it is programmed: blocks are accepted
                   before they are programmed, pipelined reception), a
                   SET_ADDRESS, the last block at that address, and
                   SIGKILLs the simulator (its device workers, then qdfu-sim)
                   at once
  speed - -        prints libusb's speed and what the device answers to
                   DEVICE_QUALIFIER and OTHER_SPEED_CONFIGURATION (USB 2.0
                   9.6.2, 9.6.4: a high-speed device answers, a full-speed
                   one stalls)
"""
import os
import signal
import struct
import sys
import time

import usb.core
import usb.util

DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, GETSTATE, ABORT = 1, 2, 3, 4, 5, 6
ST_DNBUSY, ST_DNLOAD_IDLE, ST_MANIFEST, ST_IDLE, ST_ERROR = 4, 5, 7, 2, 10
PAGE = 128 * 1024


def is_dfu(dev):
    """A device with a DFU interface (class 0xFE, subclass 1), whatever its
    VID:PID: boards present their own (docs/decisions/usb-identity.md)."""
    try:
        return any(i.bInterfaceClass == 0xFE and i.bInterfaceSubClass == 1
                   for cfg in dev for i in cfg)
    except usb.core.USBError:
        return False


def find():
    dev = usb.core.find(custom_match=is_dfu)
    if dev is None:
        sys.exit("no DFU device")
    return dev


def xfer_size(dev):
    cfg = dev.get_active_configuration()
    for intf in cfg:
        extra = bytes(intf.extra_descriptors)
        if len(extra) == 9 and extra[1] == 0x21:
            return struct.unpack("<H", extra[5:7])[0]
    sys.exit("no DFU functional descriptor of 9 bytes in the interfaces' extra data")


def vclock_us():
    """The simulator's virtual clock (qdfu-sim --time virtual), or None."""
    path = os.environ.get("QDFU_VTIME_FILE")
    if not path:
        return None
    with open(path, "rb") as f:
        return struct.unpack("<Q", f.read(8))[0]


LONGEST_GETSTATUS = [0]  # device time of the longest GETSTATUS, us


def getstatus(dev):
    t0 = vclock_us()
    s = dev.ctrl_transfer(0xA1, GETSTATUS, 0, 0, 6, 20000)
    if t0 is not None:
        LONGEST_GETSTATUS[0] = max(LONGEST_GETSTATUS[0], vclock_us() - t0)
    return s[0], s[1] | s[2] << 8 | s[3] << 16, s[4]


def check_hold(limit_ms, who):
    """fwupd times each GETSTATUS out after 1.5 s (fu-dfu-device.c)."""
    held = LONGEST_GETSTATUS[0] / 1000.0
    print("%s: longest GETSTATUS %.1f ms" % (who, held))
    if held > limit_ms:
        sys.exit("%s: a GETSTATUS was held %.1f ms (limit %d)" % (who, held, limit_ms))


def dnload(dev, block, data):
    dev.ctrl_transfer(0x21, DNLOAD, block, 0, data, 5000)


def command_pydfu(dev, payload):
    dnload(dev, 0, payload)
    st, poll, state = getstatus(dev)
    if state != ST_DNBUSY:
        sys.exit("pydfu: command not busy (state %d)" % state)
    st, poll, state = getstatus(dev)  # no sleep at all
    if state != ST_DNLOAD_IDLE:
        sys.exit("pydfu: command failed (status %d state %d)" % (st, state))


def pydfu(path, addr, page=PAGE):
    dev = find()
    dev.set_configuration()
    usb.util.claim_interface(dev, 0)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    st, _, state = getstatus(dev)
    if state == ST_ERROR:
        dev.ctrl_transfer(0x21, CLRSTATUS, 0, 0, None)
    for p in range(addr & ~(page - 1), addr + len(data), page):
        command_pydfu(dev, struct.pack("<BI", 0x41, p))
    for off in range(0, len(data), size):
        command_pydfu(dev, struct.pack("<BI", 0x21, addr + off))
        dnload(dev, 2, data[off:off + size])
        st, poll, state = getstatus(dev)
        if state != ST_DNBUSY:
            sys.exit("pydfu: write not busy (%d)" % state)
        st, poll, state = getstatus(dev)
        if state != ST_DNLOAD_IDLE:
            sys.exit("pydfu: write failed at 0x%08x (status %d)" % (addr + off, st))
    # leave: pydfu sets 0x08000000 whatever it wrote
    command_pydfu(dev, struct.pack("<BI", 0x21, 0x08000000))
    dnload(dev, 0, b"")
    st, poll, state = getstatus(dev)
    if state != ST_MANIFEST:
        sys.exit("pydfu: leave not in dfuMANIFEST (%d)" % state)
    usb.util.dispose_resources(dev)


def wait_fwupd(dev):
    st, poll, state = getstatus(dev)
    while state == ST_DNBUSY:
        time.sleep(poll / 1000.0)
        st, p2, state = getstatus(dev)
        if p2:
            poll = p2
    if state == ST_ERROR:
        sys.exit("fwupd: error status %d" % st)


def fwupd(path, addr):
    dev = find()
    usb.util.claim_interface(dev, 0)
    dev.set_interface_altsetting(0, 0)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    for page in range(addr & ~(PAGE - 1), addr + len(data), PAGE):
        dnload(dev, 0, struct.pack("<BI", 0x41, page))
        wait_fwupd(dev)
    dnload(dev, 0, struct.pack("<BI", 0x21, addr))
    wait_fwupd(dev)
    for i, off in enumerate(range(0, len(data), size)):
        dnload(dev, i + 2, data[off:off + size])
        wait_fwupd(dev)
    # verify: SET_ADDRESS, ABORT without GETSTATUS, UPLOAD until short
    dnload(dev, 0, struct.pack("<BI", 0x21, addr))
    wait_fwupd(dev)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    back = b""
    block = 2
    while True:
        chunk = bytes(dev.ctrl_transfer(0xA1, UPLOAD, block, 0, size, 5000))
        back += chunk
        block += 1
        if len(chunk) < size or len(back) >= len(data) + size:
            break
    if back[:len(data)] != data:
        sys.exit("fwupd: verify mismatch")
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    dnload(dev, 2, b"")  # attach
    try:
        getstatus(dev)
    except usb.core.USBError:
        pass  # a device that already left is fine
    usb.util.dispose_resources(dev)
    check_hold(1500, "fwupd")


def verify_by_upload(dev, addr, data, size, who):
    """Read back by UPLOAD, one SET_ADDRESS + ABORT per block (the
    CubeProgrammer -v pattern); exits on a mismatch."""
    back = b""
    for off in range(0, len(data), size):
        dnload(dev, 0, struct.pack("<BI", 0x21, addr + off))
        wait_fwupd(dev)
        dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
        back += bytes(dev.ctrl_transfer(0xA1, UPLOAD, 2, 0, min(size, len(data) - off), 5000))
        dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    if back != data:
        sys.exit("%s: verify mismatch" % who)


def leave_at(dev, addr, who):
    """SET_ADDRESS to the start address, then the DfuSe leave (AN3156
    "Leave DFU mode")."""
    dnload(dev, 0, struct.pack("<BI", 0x21, addr))
    wait_fwupd(dev)
    dnload(dev, 2, b"")
    st, _, state = getstatus(dev)
    if state != ST_MANIFEST:
        sys.exit("%s: leave not in dfuMANIFEST (%d)" % (who, state))
    usb.util.dispose_resources(dev)


def cubeprog(path, addr):
    """STM32CubeProgrammer with a non-ROM DfuSe device, as public material
    shows it (issue 21; docs/cubeprogrammer.md). Each step names its source;
    none of this was captured from the program itself."""
    dev = find()
    usb.util.claim_interface(dev, 0)
    size = xfer_size(dev)
    # Connect (ST community verbose logs of custom DFU bootloaders, as
    # summarised in the shared facts dfuse-protocol.md "STM32CubeProgrammer"
    # and issue 21): GETSTATUS, ABORT, SET_ADDRESS 0x08000000, GETSTATUS
    # until idle, ABORT; then the GUI reads 1 KiB from 0x08000000.
    getstatus(dev)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    dnload(dev, 0, struct.pack("<BI", 0x21, 0x08000000))
    wait_fwupd(dev)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    head = bytes(dev.ctrl_transfer(0xA1, UPLOAD, 2, 0, 1024, 5000))
    if len(head) != 1024:
        sys.exit("cubeprog: connect read returned %d bytes" % len(head))
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)  # back to dfuIDLE (DFU 1.1: no DNLOAD in UPLOAD-IDLE)
    # Write: the device is "IAP", so no 0x41 erase at all (UM2237: sector
    # erase not available with IAP; betaflight-configurator PR 1861 quoting
    # ST); blocks addressed from the device's own wTransferSize (DfuSe rule,
    # AN3156), here with SET_ADDRESS before every block.
    data = open(path, "rb").read()
    for off in range(0, len(data), size):
        dnload(dev, 0, struct.pack("<BI", 0x21, addr + off))
        wait_fwupd(dev)
        dnload(dev, 2, data[off:off + size])
        wait_fwupd(dev)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    # Verify (-v): read back by UPLOAD (facts: "-v verifies by UPLOAD").
    verify_by_upload(dev, addr, data, size, "cubeprog")
    # Start (-s): leave at the start address; CubeProgrammer then waits for
    # the device to go away.
    leave_at(dev, addr, "cubeprog")


def command_dfuutil07(dev, payload):
    dnload(dev, 0, payload)
    st, poll, state = getstatus(dev)
    if state != ST_DNBUSY:
        sys.exit("dfu-util 0.7: Wrong state after command download (%d)" % state)
    time.sleep(poll / 1000.0)
    st, poll, state = getstatus(dev)
    if st != 0:
        sys.exit("dfu-util 0.7: Command not correctly executed (status %d)" % st)
    time.sleep(poll / 1000.0)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None, 5000)
    st, poll, state = getstatus(dev)
    if state != ST_IDLE:
        sys.exit("dfu-util 0.7: Failed to enter idle state on abort (%d)" % state)
    time.sleep(poll / 1000.0)


def dfuutil07(path, addr):
    dev = find()
    usb.util.claim_interface(dev, 0)
    dev.set_interface_altsetting(0, 0 if addr < 0x90000000 else 1)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    page = PAGE if addr < 0x90000000 else 64 * 1024
    for p in range(addr & ~(page - 1), addr + len(data), page):
        command_dfuutil07(dev, struct.pack("<BI", 0x41, p))
    for off in range(0, len(data), size):
        command_dfuutil07(dev, struct.pack("<BI", 0x21, addr + off))
        dnload(dev, 2, data[off:off + size])
        while True:
            st, poll, state = getstatus(dev)
            time.sleep(poll / 1000.0)
            if state in (ST_DNLOAD_IDLE, ST_ERROR, ST_MANIFEST):
                break
        if st != 0:
            sys.exit("dfu-util 0.7: write failed at 0x%08x (status %d)" % (addr + off, st))
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None, 5000)
    usb.util.dispose_resources(dev)
    check_hold(5000, "dfu-util 0.7")


def die(path, addr):
    dev = find()
    usb.util.claim_interface(dev, 0)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    dnload(dev, 0, struct.pack("<BI", 0x41, addr))
    wait_fwupd(dev)
    dnload(dev, 0, struct.pack("<BI", 0x21, addr))
    wait_fwupd(dev)
    for i in range(3):
        dnload(dev, i + 2, data[i * size:(i + 1) * size])
        wait_fwupd(dev)
    os.kill(os.getpid(), signal.SIGKILL)


def sim_processes():
    """qdfu-sim (this client's parent) and its device workers (its other
    children), workers first."""
    sim = os.getppid()
    workers = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == sim:
            workers.append(int(name))
    return workers + [sim]


def killsim(path, addr):
    dev = find()
    usb.util.claim_interface(dev, 0)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    dnload(dev, 0, struct.pack("<BI", 0x41, addr))
    wait_fwupd(dev)
    dnload(dev, 0, struct.pack("<BI", 0x21, addr))
    wait_fwupd(dev)
    blocks = [data[off:off + size] for off in range(0, len(data), size)]
    for i, block in enumerate(blocks[:-1]):
        dnload(dev, i + 2, block)
        wait_fwupd(dev)
    # ABORT waits for the blocks programming in the background (a
    # SET_ADDRESS does not: it touches no flash)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    dnload(dev, 0, struct.pack("<BI", 0x21, addr + (len(blocks) - 1) * size))
    wait_fwupd(dev)
    print("killsim: %d blocks of %d bytes written" % (len(blocks) - 1, size), flush=True)
    dnload(dev, 2, blocks[-1])  # in flight at the kill
    for pid in sim_processes():
        os.kill(pid, signal.SIGKILL)


def speed(path, addr):
    del path, addr
    dev = find()
    print("libusb speed", dev.speed)
    print("device bcdUSB %04x" % dev.bcdUSB)
    for name, value in (("qualifier", 0x0600), ("other-speed", 0x0700)):
        try:
            d = bytes(dev.ctrl_transfer(0x80, 6, value, 0, 255, 2000))
        except usb.core.USBError as e:
            print("%s: error %s" % (name, "stall" if e.errno == 32 else e))
            continue
        if name == "qualifier":
            # bLength, bDescriptorType, bcdUSB, class/sub/proto, MPS0, configs
            print("qualifier: len %d type %d bcdUSB %04x mps0 %d configs %d" %
                  (d[0], d[1], d[2] | d[3] << 8, d[7], d[8]))
        else:
            total = d[2] | d[3] << 8
            cfg = bytes(dev.ctrl_transfer(0x80, 6, 0x0200, 0, 255, 2000))
            same = total == len(d) and d[4:] == cfg[4:len(d)]
            print("other-speed: type %d total %d same-interfaces %s" % (d[1], total, same))


def iap(path, addr, style):
    """A client that never erases (issue 21 item 1). Public CubeProgrammer
    logs with an IAP device show no 0x41 command; the two addressing
    styles are the DfuSe rule (address = (wBlockNum - 2) x wTransferSize +
    pointer, AN3156) and an address before every chunk."""
    dev = find()
    usb.util.claim_interface(dev, 0)
    size = xfer_size(dev)
    data = open(path, "rb").read()
    if style == "stride":
        dnload(dev, 0, struct.pack("<BI", 0x21, addr))
        wait_fwupd(dev)
        for i, off in enumerate(range(0, len(data), size)):
            dnload(dev, i + 2, data[off:off + size])
            wait_fwupd(dev)
    else:
        chunk = int(style[4:])
        for off in range(0, len(data), chunk):
            dnload(dev, 0, struct.pack("<BI", 0x21, addr + off))
            wait_fwupd(dev)
            dnload(dev, 2, data[off:off + chunk])
            wait_fwupd(dev)
    dev.ctrl_transfer(0x21, ABORT, 0, 0, None)
    verify_by_upload(dev, addr, data, size, "iap")
    leave_at(dev, addr, "iap")

# ---------------------------------------------------------------- webdfu
# The Daisy web programmer: electro-smith/Programmer app/dfu-util.js (the
# page) on devanlai/webdfu dfu/dfu.js and dfu/dfuse.js (the protocol). What
# each step does is taken from there; the code is ours.
import re  # noqa: E402

WEBDFU_SEGMENTS = re.compile(
    r"/\s*(0x[0-9a-fA-F]{1,8})\s*/(\s*[0-9]+\s*\*\s*[0-9]+\s?[ BKM]\s*[abcdefg]\s*,?\s*)+")
WEBDFU_SECTORS = re.compile(r"([0-9]+)\s*\*\s*([0-9]+)\s?([ BKM])\s*([abcdefg])\s*,?\s*")


def webdfu_parse(desc):
    """dfuse.parseMemoryDescriptor: the name up to the first '/', then every
    "/0xADDR/sectors" zone; properties = letter - 'a' + 1 (1 r, 2 e, 4 w)."""
    end = desc.find("/")
    if not desc.startswith("@") or end == -1:
        raise ValueError("Not a DfuSe memory descriptor: %r" % desc)
    mult = {" ": 1, "B": 1, "K": 1024, "M": 1048576}
    segs = []
    for zone in WEBDFU_SEGMENTS.finditer(desc[end:]):
        start = int(zone.group(1), 16)
        for m in WEBDFU_SECTORS.finditer(zone.group(0)):
            size = int(m.group(2)) * mult[m.group(3)]
            props = ord(m.group(4)) - ord("a") + 1
            segs.append({"start": start, "end": start + size * int(m.group(1)),
                         "sectorSize": size, "readable": bool(props & 1),
                         "erasable": bool(props & 2), "writable": bool(props & 4)})
            start += size * int(m.group(1))
    return {"name": desc[1:end].strip(), "segments": segs}


def webdfu_alts(dev):
    """dfu.findDeviceDfuInterfaces: every alt with class FE / subclass 01, in
    the configuration's order, with its name string."""
    alts = []
    for intf in dev.get_active_configuration():
        if intf.bInterfaceClass == 0xFE and intf.bInterfaceSubClass == 1:
            name = usb.util.get_string(dev, intf.iInterface) if intf.iInterface else None
            alts.append((intf.bInterfaceNumber, intf.bAlternateSetting,
                         intf.bInterfaceProtocol, name, bytes(intf.extra_descriptors)))
    return alts


def webdfu_poll_until(dev, pred):
    """dfu.Device.poll_until: GETSTATUS, then sleep bwPollTimeout and ask again
    until the state satisfies pred or is dfuERROR."""
    s = getstatus(dev)  # (bStatus, bwPollTimeout, bState)
    while not pred(s[2]) and s[2] != ST_ERROR:
        time.sleep(s[1] / 1000.0)
        s = getstatus(dev)
    return s


def webdfu_command(dev, cmd, addr):
    """dfuse.Device.dfuseCommand: DNLOAD(block 0), poll until not dfuDNBUSY,
    bStatus must be OK."""
    dnload(dev, 0, struct.pack("<BI", cmd, addr))
    s = webdfu_poll_until(dev, lambda st: st != ST_DNBUSY)
    if s[0] != 0:
        sys.exit("webdfu: Special DfuSe command 0x%02x failed (status %d)" % (cmd, s[0]))


def webdfu_segment(mem, addr):
    for seg in mem["segments"]:
        if seg["start"] <= addr < seg["end"]:
            return seg
    sys.exit("webdfu: Address %x outside of memory map" % addr)


def webdfu_erase(dev, mem, start, length):
    """dfuse.Device.erase: one ERASE_SECTOR per sector of [start, start+len),
    non-erasable segments skipped."""
    seg = webdfu_segment(mem, start)
    addr = seg["start"] + (start - seg["start"]) // seg["sectorSize"] * seg["sectorSize"]
    last = webdfu_segment(mem, start + length - 1)
    end = last["start"] + ((start + length - 1 - last["start"]) // last["sectorSize"] + 1) * \
        last["sectorSize"]
    while addr < end:
        if seg["end"] <= addr:
            seg = webdfu_segment(mem, addr)
        if not seg["erasable"]:
            addr = seg["end"]
            continue
        sector = seg["start"] + (addr - seg["start"]) // seg["sectorSize"] * seg["sectorSize"]
        webdfu_command(dev, 0x41, sector)
        addr = sector + seg["sectorSize"]


def webdfu_pick(dev):
    """app/dfu-util.js: one DFU interface: that one; several: the first whose
    name includes "0x08000000"."""
    alts = webdfu_alts(dev)
    if len(alts) > 1:
        alts = [a for a in alts if a[3] and "0x08000000" in a[3]]
        if not alts:
            sys.exit("webdfu: The selected device does not have a Flash Memory section at "
                     "address 0x08000000.")
    return alts[0]


def webdfu(path, _addr):
    dev = find()
    intf, alt, proto, name, extra = webdfu_pick(dev)
    usb.util.claim_interface(dev, intf)  # dfu.Device.open
    if alt != 0:  # WebUSB starts on alternate 0: selectAlternateInterface otherwise
        dev.set_interface_altsetting(interface=intf, alternate_setting=alt)
    xfer = struct.unpack("<H", extra[5:7])[0] if len(extra) == 9 else 1024
    tolerant = len(extra) == 9 and bool(extra[2] & 0x04)
    mem = webdfu_parse(name)
    seg = next((s for s in mem["segments"] if s["writable"]), None)
    start = seg["start"] if seg else mem["segments"][0]["start"]  # "inferred start address"
    if seg and start == 0x90000000:
        start += 0x40000
    data = open(path, "rb").read()
    s = getstatus(dev)  # the download button: clear an error first
    if s[2] == ST_ERROR:
        dev.ctrl_transfer(0x21, CLRSTATUS, 0, intf, None)
    webdfu_erase(dev, mem, start, len(data))
    addr = start
    for off in range(0, len(data), xfer):
        webdfu_command(dev, 0x21, addr)
        dnload(dev, 2, data[off:off + xfer])
        s = webdfu_poll_until(dev, lambda st: st == ST_DNLOAD_IDLE)
        if s[0] != 0:
            sys.exit("webdfu: DFU DOWNLOAD failed state=%d, status=%d" % (s[2], s[0]))
        addr += len(data[off:off + xfer])
    webdfu_command(dev, 0x21, start)  # "Manifesting new firmware"
    dnload(dev, 0, b"")
    try:
        webdfu_poll_until(dev, lambda st: st == ST_MANIFEST)
    except usb.core.USBError as e:  # logged by the page, not fatal
        print("webdfu: manifest poll: %s" % e)
    print("webdfu: wrote %d bytes at 0x%08x through alt %d (%s), manifestation %s" %
          (len(data), start, alt, name, "tolerant" if tolerant else "not tolerant"))


def webdfu_layouts(_path, _addr):
    import json
    dev = find()
    print(json.dumps([{"alt": a[1], "string": a[3], "parsed": webdfu_parse(a[3])}
                      for a in webdfu_alts(dev)]))


if __name__ == "__main__":
    mode, path, addr = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
    if mode == "pydfu" and len(sys.argv) > 4:  # erase page size (default 128 KiB)
        pydfu(path, addr, int(sys.argv[4], 0))
        sys.exit(0)
    if mode == "iap":
        iap(path, addr, sys.argv[4])
        sys.exit(0)
    {"pydfu": pydfu, "fwupd": fwupd, "cubeprog": cubeprog, "die": die,
     "killsim": killsim, "speed": speed, "dfuutil07": dfuutil07, "webdfu": webdfu,
     "webdfu-layouts": webdfu_layouts}[mode](path, addr)
