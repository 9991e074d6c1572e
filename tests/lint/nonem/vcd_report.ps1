# Reports vApps and VMs per org VDC from VMware Cloud Director (API 33.0)
param(
    [string]$VcdHost = "vcd.example.com",
    [pscredential]$Credential
)
$pair = "{0}@System:{1}" -f $Credential.UserName, $Credential.GetNetworkCredential().Password
$basic = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($pair))
$headers = @{ "Accept" = "application/*+xml;version=33.0"; "Authorization" = "Basic $basic" }
$logon = Invoke-WebRequest -Uri "https://$VcdHost/api/sessions" -Method Post -Headers $headers
$headers.Remove("Authorization")
$headers["x-vcloud-authorization"] = $logon.Headers["x-vcloud-authorization"]

$vdcs = Invoke-RestMethod -Uri "https://$VcdHost/api/query?type=orgVdc&format=records&pageSize=128" -Headers $headers
foreach ($vdc in $vdcs.QueryResultRecords.OrgVdcRecord) {
    $uri = "https://$VcdHost/api/query?type=adminVApp&format=records&filter=vdc==$($vdc.href)&sortAsc=name"
    $vapps = Invoke-RestMethod -Uri $uri -Headers $headers
    $vms = Invoke-RestMethod -Uri "https://$VcdHost/api/query?type=vm&format=idrecords&filter=isVAppTemplate==false;status==POWERED_ON" -Headers $headers
    $nets = Invoke-RestMethod -Uri "https://$VcdHost/api/query?type=orgNetwork&fields=name,linkType" -Headers $headers
    $edges = Invoke-RestMethod -Uri "https://$VcdHost/api/query?type=edgeGateway&format=references" -Headers $headers
    "{0}: {1} vApps, {2} VMs" -f $vdc.name, $vapps.total, $vms.total
}
Invoke-RestMethod -Uri "https://$VcdHost/api/session" -Method Delete -Headers $headers
