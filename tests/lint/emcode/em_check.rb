# Sensu-style check: failed Veeam backup sessions in the last day (Enterprise Manager REST)
require 'faraday'

conn = Faraday.new(url: "https://#{ENV['EM_HOST']}:9398/api", ssl: { verify: false })
sid = conn.post('sessionMngr/?v=latest') { |r| r.headers['Authorization'] = basic }.headers['X-RestSvcSessionId']
conn.headers['X-RestSvcSessionId'] = sid

resp = conn.get('query', { type: 'BackupJobSession', format: 'Entities', filter: 'Result==Failed', pageSize: 5 })
resp = conn.get('query', { type: 'BackupJobSession', format: 'Entities', filter: 'Result==Failed' })
resp = conn.get('query', { :type => 'Job', :format => 'Entities', :pageSize => 1000, :filter => 'Name=="x"&JobType==Backup' })
