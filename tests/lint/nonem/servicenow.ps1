# ServiceNow and Zabbix helpers (not Enterprise Manager)
$sn = "https://acme.service-now.com/api/now/table/incident?sysparm_query=active=true^priority=1&sysparm_limit=10"
Invoke-RestMethod -Uri $sn -Credential $cred
$body = @{ jsonrpc = "2.0"; method = "host.get"; params = @{ filter = @{ host = @("web01") } }; id = 1 }
Invoke-RestMethod -Uri "https://zabbix.example.com/api_jsonrpc.php" -Method Post -Body ($body | ConvertTo-Json) -ContentType "application/json"
$nexus = Invoke-RestMethod "https://nexus.example.com/service/rest/v1/search?repository=maven-releases&format=maven2&name=app"
$vrops = Invoke-RestMethod "https://vrops.example.com/suite-api/api/resources?resourceKind=VirtualMachine&pageSize=1000&page=0"
