object EmClient {
  def failed(base: String, sid: String) = {
    val params = Map("type" -> "BackupJobSession", "format" -> "Entities", "filter" -> "Result==Failed&State==Stopped", "pageSize" -> "100")
    basicRequest.get(uri"$base/query?$params").header("X-RestSvcSessionId", sid)
  }
  def jobs(base: String) = basicRequest.get(uri"$base/query?type=Jbo&format=Entities&pageSize=5")
}
