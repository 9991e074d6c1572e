"""Clients of other products whose URLs carry ?type= or filter= (not Enterprise Manager)."""
import requests

KIBANA = "https://kibana.example.com"
NETBOX = "https://netbox.example.com"
INFLUX = "http://influx.example.com:8086"
PROM = "http://prometheus.example.com:9090"


def dashboards():
    # Kibana saved objects
    return requests.get(f"{KIBANA}/api/saved_objects/_find?type=dashboard&filter=dashboard.attributes.title:prod*")


def interfaces(device):
    return requests.get(NETBOX + "/api/dcim/interfaces/?type=1000base-t&device=" + device)


def influx():
    return requests.get(INFLUX + "/query", params={"db": "telegraf", "q": "SELECT mean(usage_idle) FROM cpu"})


def influx_url():
    return requests.get("http://influx.example.com:8086/query?db=telegraf&q=SHOW+MEASUREMENTS")


def prometheus():
    return requests.get(PROM + "/api/v1/query?query=up{job=\"node\"}")


def github_repos(org):
    return requests.get(f"https://api.github.com/orgs/{org}/repos?type=public&sort=updated")


def graph_users(token):
    return requests.get("https://graph.microsoft.com/v1.0/users?$filter=startswith(displayName,'A')",
                        headers={"Authorization": "Bearer " + token})


def cloudflare_records(zone):
    return requests.get(f"https://api.cloudflare.com/client/v4/zones/{zone}/dns_records?type=A&name=www.example.com")


def grafana_search():
    return requests.get("https://grafana.example.com/api/search?type=dash-db&query=backup")


def jira_issues():
    return requests.get("https://jira.example.com/rest/api/2/search", params={"jql": "project=OPS", "fields": "summary"})


def odata_products():
    return requests.get("https://services.odata.org/V4/Northwind/Northwind.svc/Products?$filter=UnitPrice gt 20")


def generic_search():
    return requests.get("https://portal.example.com/api/items", params={"type": "ticket", "filter": "status==open"})


QUERY_STRING = "type=issue&filter=status==open&pageSize=50"
