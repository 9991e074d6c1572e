"""Nagios-style check of Veeam backup jobs through Enterprise Manager (fel's lint example)."""
import sys, requests

EM = "https://em.example.com:9398/api"
def failed_sessions(s, job):
    r = s.get(f"{EM}/query?type=BackupJobSession&format=Entities&filter=Result==Failed&JobName==\"{job}\"")
    return r.json()["Entities"]["BackupJobSessions"]["BackupJobSessions"]

def running(s):
    r = s.get(EM + "/query?type=BackupJobSession&filter=State==working&pageSize=100&page=1")
    return r.json()["Refs"]["Refs"]

if __name__ == "__main__":
    s = requests.Session()
    s.auth = (sys.argv[1], sys.argv[2])
    bad = failed_sessions(s, sys.argv[3])
    print(f"CRITICAL: {len(bad)} failed sessions" if bad else "OK", f"{len(running(s))} running")
    sys.exit(2 if bad else 0)
