// Minimal Cloud Director client used by the portal's quota widget.
const BASE = process.env.VCD_URL || 'https://vcd.example.com';

async function login(user, org, password) {
  const res = await fetch(`${BASE}/cloudapi/1.0.0/sessions/provider`, {
    method: 'POST',
    headers: {
      Accept: 'application/json;version=37.0',
      Authorization: 'Basic ' + Buffer.from(`${user}@${org}:${password}`).toString('base64'),
    },
  });
  return res.headers.get('x-vmware-vcloud-access-token');
}

async function query(token, type, filter, page = 1) {
  const url = `${BASE}/api/query?type=${type}&format=records&page=${page}&pageSize=25` +
    (filter ? `&filter=${encodeURIComponent(filter)}` : '');
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/*+json;version=37.0' } });
  return res.json();
}

module.exports = {
  login,
  listVdcs: (t) => query(t, 'orgVdc', 'isEnabled==true'),
  listVms: (t, vdc) => fetch(BASE + '/api/query?type=vm&filter=vdc==' + vdc + '&format=records'),
  listCatalogs: (t) => fetch(BASE + '/api/query?type=catalog&format=references&sortDesc=creationDate'),
  listEdges: (t) => fetch(`${BASE}/api/query?type=edgeGateway&filter=(orgVdcName==prod*;gatewayStatus==READY)`),
};
