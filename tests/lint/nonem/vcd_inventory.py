#!/usr/bin/env python3
"""Dump VMs of a Cloud Director organisation to CSV."""
import csv
import sys

import requests

VCD = "https://vcd.example.com"
API_VERSION = "36.0"


def login(user, org, password):
    s = requests.Session()
    s.headers["Accept"] = f"application/*+xml;version={API_VERSION}"
    r = s.post(f"{VCD}/api/sessions", auth=(f"{user}@{org}", password))
    r.raise_for_status()
    s.headers["x-vcloud-authorization"] = r.headers["x-vcloud-authorization"]
    return s


def vms(s, vdc_href, page=1):
    params = {"type": "vm", "format": "records", "page": page, "pageSize": 100,
              "filter": "vdc==" + vdc_href + ";isVAppTemplate==false", "sortAsc": "name"}
    return s.get(f"{VCD}/api/query", params=params).json()


def templates(s):
    return s.get(VCD + "/api/query?type=adminVAppTemplate&format=records&filter=isExpired==false").json()


def stranded(s):
    return s.get(VCD + "/api/query", params={"type": "strandedItem", "format": "records"}).json()


def vapps_in_lease(s):
    return s.get(VCD + "/api/vApps/query?format=records&filter=status==8").json()


def admin_vms(s):
    return s.get(VCD + "/api/admin/vms/query", params={"filter": "name==web*", "format": "records"}).json()


if __name__ == "__main__":
    sess = login(sys.argv[1], sys.argv[2], sys.argv[3])
    w = csv.writer(sys.stdout)
    for rec in vms(sess, sys.argv[4])["record"]:
        w.writerow([rec["name"], rec["status"]])
