// Front-end service calls of an internal portal (not Enterprise Manager).
const api = '/api';

export const fetchAlerts = (severity: string) =>
  fetch(`${api}/alerts?type=${severity}&filter=state==active&sortAsc=createdAt&page=1&pageSize=20`);

export const fetchAssets = () => fetch('/api/query?type=assetSummary&filter=owner==me');

export const fetchReports = () => fetch('https://reports.example.com/api/query?type=monthlyUsage&format=csv');

export const loki = (q: string) => fetch(`http://loki.example.com:3100/loki/api/v1/query?query=${encodeURIComponent(q)}`);
