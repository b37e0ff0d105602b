# SPDX-License-Identifier: MIT
"""Run inside qdfu-sim --time virtual (pyusb, /usr/bin/python3): the MCU's
main loop runs while a transfer's data packets cross the bus. Block 1 (4 KiB
into the fresh dual MT25QL512 of the stm32h745i-disco, ~1.5 ms of page
programs) is accepted at once (pipelined reception); block 2 takes 3.3 ms at
full speed. The chip finishes block 1 during that transfer only if the
simulator lets the firmware issue its next page program at each model
deadline inside the transfer; otherwise block 2's GETSTATUS #2 is held for
the page programs left over (about 1.5 ms of NAKs).
Usage: e2e_overlap.py"""
import os
import struct
import sys

import usb.core
import usb.util

VID, PID = 0x0483, 0xDF11
DFU_DNLOAD, DFU_GETSTATUS = 1, 3
QSPI = 0x90000000


def vclock():
    with open(os.environ["QDFU_VTIME_FILE"], "rb") as f:
        return struct.unpack("<Q", f.read(8))[0]


def two_getstatus(dev):
    """pydfu's two GETSTATUS; returns (state of #2, virtual us #2 took)."""
    dev.ctrl_transfer(0xA1, DFU_GETSTATUS, 0, 0, 6, timeout=5000)
    t0 = vclock()
    st = dev.ctrl_transfer(0xA1, DFU_GETSTATUS, 0, 0, 6, timeout=5000)
    return st[4], vclock() - t0


def main():
    dev = usb.core.find(idVendor=VID, idProduct=PID)
    usb.util.claim_interface(dev, 0)
    dev.ctrl_transfer(0x01, 11, 1, 0, None)  # SET_INTERFACE alt 1 (QSPI)
    dev.ctrl_transfer(0x21, DFU_DNLOAD, 0, 0, [0x21] + list(struct.pack("<I", QSPI)))
    two_getstatus(dev)
    blocks = [bytes((i * 7 + n) & 0xFF for i in range(4096)) for n in range(2)]
    dev.ctrl_transfer(0x21, DFU_DNLOAD, 2, 0, blocks[0], timeout=5000)
    state, _ = two_getstatus(dev)
    if state != 5:
        print("FAIL: block 1 not accepted (state %d)" % state)
        return 1
    dev.ctrl_transfer(0x21, DFU_DNLOAD, 3, 0, blocks[1], timeout=5000)
    state, held = two_getstatus(dev)
    print("GETSTATUS #2 after block 2: %d us of virtual time" % held)
    if state != 5:
        print("FAIL: block 2 not accepted (state %d)" % state)
        return 1
    # one GETSTATUS is ~35 us of bus time; leftover page programs ~1.5 ms
    if held > 500:
        print("FAIL: block 1 was still programming after block 2's transfer")
        return 1
    print("PASS")
    return 0


sys.exit(main())
