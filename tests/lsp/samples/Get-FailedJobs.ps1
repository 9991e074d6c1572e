# Zusammenfassung für das Team — 😀 emoji before the query on purpose
$em = "https://em.example.local:9398/api"
$headers = @{ "X-RestSvcSessionId" = $session }
$r = Invoke-RestMethod -Uri "$em/query?type=BackupJobSession&filter=Result==Failed&JobType==Backup&pageSize=20" -Headers $headers
$s = Invoke-RestMethod -Uri 'https://em.example.local:9398/api/query?type=Repository&filter=FreeSpace<1000&pageSize=5'
