#!/bin/bash
# Count powered-on VMs per VDC (vCloud Director API 5.5)
VCD=https://vcd.example.com
TOKEN=$(curl -sk -X POST -u "$VCD_USER@$VCD_ORG:$VCD_PASSWORD" \
  -H 'Accept: application/*+xml;version=5.5' -D - "$VCD/api/sessions" \
  | awk '/x-vcloud-authorization/ {print $2}' | tr -d '\r')
curl -sk -H "x-vcloud-authorization: $TOKEN" -H 'Accept: application/*+xml;version=5.5' \
  "$VCD/api/query?type=vm&format=records&filter=status==POWERED_ON&pageSize=128"
curl -sk -H "x-vcloud-authorization: $TOKEN" "$VCD/api/query?type=orgVdc&fields=name,numberOfVMs"
curl -sk -H "x-vcloud-authorization: $TOKEN" "$VCD"'/api/query?type=adminOrgVdc&format=idrecords&filter=orgName==Acme'
