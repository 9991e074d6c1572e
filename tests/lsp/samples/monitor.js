// Überwachung: Veeam EM über REST — “smart quotes” in this comment are fine
const base = "https://em.example.local:9398/api/";
const url = base + "query?type=VmRestorePoint&filter=VmName==\"srv-ü😀\"&Algorithm==Full&pageSize=100";
fetch(url, { headers: { "X-RestSvcSessionId": sid } });
