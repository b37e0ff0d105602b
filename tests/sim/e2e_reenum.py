# SPDX-License-Identifier: MIT
"""Run inside qdfu-sim (pyusb, /usr/bin/python3): a DfuSe read-unprotect
resets the MCU; with --enter dfu the bootloader boots again and the device
must leave the bus and come back enumerated under a new device number,
with the same serial. Usage: e2e_reenum.py LOGFILE"""
import sys
import time

import usb.core
import usb.util

VID, PID = 0x0483, 0xDF11


def main():
    log = sys.argv[1]
    dev = usb.core.find(idVendor=VID, idProduct=PID)
    if dev is None:
        print("FAIL: no device")
        return 1
    addr0, serial0 = dev.address, dev.serial_number
    usb.util.claim_interface(dev, 0)
    dev.ctrl_transfer(0x21, 1, 0, 0, [0x92])  # DNLOAD block 0: read unprotect
    state = dev.ctrl_transfer(0xA1, 3, 0, 0, 6)  # GETSTATUS: dfuDNBUSY, then reset
    print("GETSTATUS state", state[4])
    usb.util.dispose_resources(dev)
    again = None
    for _ in range(500):
        time.sleep(0.1)
        again = usb.core.find(idVendor=VID, idProduct=PID)
        if again is not None and again.address != addr0:
            break
        again = None
    if again is None:
        print("FAIL: the device did not come back")
        return 1
    print("back as devnum", again.address, "serial", again.serial_number)
    if again.serial_number != serial0:
        print("FAIL: serial changed")
        return 1
    lines = open(log).read().splitlines()
    events = [l.split(" ", 2)[2] for l in lines if " ctrl " not in l]
    print("\n".join(events))
    want = ["disconnected", "reset (MCU)", "staying in DFU: DFU requested (button held)"]
    pos = 0
    for w in want:
        if w not in events[pos:]:
            print("FAIL: log misses", w)
            return 1
        pos = events.index(w, pos) + 1
    if not any(e.startswith("enumerated 0483:df11 devnum %d " % again.address)
               for e in events[pos:]):
        print("FAIL: log misses the second enumeration")
        return 1
    print("PASS")
    return 0


sys.exit(main())
