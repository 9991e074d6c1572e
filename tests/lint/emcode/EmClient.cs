using System.Net.Http;

public class EmClient
{
    private readonly HttpClient _http;
    public EmClient(HttpClient http, string sid)
    {
        _http = http;
        _http.DefaultRequestHeaders.Add("X-RestSvcSessionId", sid);
    }

    public Task<string> Failed(DateTime since) =>
        _http.GetStringAsync($"query?type=BackupJobSession&filter=Result==Failed&CreationTime>={since:yyyy-MM-ddTHH:mm:ssZ}&pageSize=100");

    public Task<string> Jobs() => _http.GetStringAsync(@"query?type=Job&filter=Name==""Daily Backup""&format=Entities&pageSize=10");
}
