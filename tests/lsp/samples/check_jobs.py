"""Nightly report of failed Veeam jobs (東京 and Zürich sites) 😀."""
import requests

EM = "https://em.example.local:9398/api/"
# Täglich: die fehlgeschlagenen Sitzungen der letzten 24 Stunden
failed = requests.get(EM + "query?type=BackupJobSession&filter=Result==Failed&JobName==\"Backup 東京\"&pageSize=50",
                      headers={"X-RestSvcSessionId": token})
jobs = requests.get(f"{EM}query?type=Job&filter=JobType==Backup;Platform==vCloud")  # fel: noqa: FEL306
running = requests.get(EM + "query?type=BackupJobSession&filter=State==Runing&pageSize=10&page=1")
