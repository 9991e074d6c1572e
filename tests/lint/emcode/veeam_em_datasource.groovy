// Collector script for a monitoring platform: Veeam Backup Enterprise Manager jobs and sessions
import groovy.json.JsonSlurper

def host = hostProps.get("system.hostname")
def user = hostProps.get("veeam.em.user")
def pass = hostProps.get("veeam.em.pass")
def base = "https://${host}:9398/api"

def logon = new URL("${base}/sessionMngr/?v=latest").openConnection()
logon.setRequestMethod("POST")
logon.setRequestProperty("Authorization", "Basic " + "${user}:${pass}".bytes.encodeBase64().toString())
def sessionId = logon.getHeaderField("X-RestSvcSessionId")

def get(String url, String sid) {
    def c = new URL(url).openConnection()
    c.setRequestProperty("X-RestSvcSessionId", sid)
    c.setRequestProperty("Accept", "application/json")
    return new JsonSlurper().parseText(c.inputStream.text)
}

def name = hostProps.get("veeam.em.backupserver")
def root = [type: 'HierarchyRoot', filter: "Name==\"${name}\"", format: "Entities", pageSize: '1']
def jobs = [type: 'Job', format: 'Entities', filter: 'JobType==Backup&Platform==VMware', pageSize: 500]
def sessions = [
    type    : 'BackupJobSession',
    filter  : "CreationTime>=\"${since}\"",
    format  : 'Entities',
    sortDesc: 'CreationTime'
]
def repos = get("${base}/query?type=Repository&format=Entitys&pageSize=50", sessionId)
def points = get("${base}/query?type=VmRestorePoint&filter=CreationTime>=2024-01-01T00:00:00&pageSize=100", sessionId)
