import 'package:http/http.dart' as http;

Future<http.Response> failedSessions(String base, String sid) {
  final uri = Uri.parse('$base/query').replace(queryParameters: {
    'type': 'BackupJobSession',
    'format': 'Entities',
    'filter': 'Result==Failed',
    'pageSize': '100',
  });
  return http.get(uri, headers: {'X-RestSvcSessionId': sid});
}

Future<http.Response> repos(String base, String sid) =>
    http.get(Uri.parse('$base/query?type=Repositories&format=Entities&pageSize=20'), headers: {'X-RestSvcSessionId': sid});
