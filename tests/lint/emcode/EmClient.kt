package com.example.veeam

class EmClient(private val base: String, private val sid: String) {
    fun failed(): String {
        val params = mapOf("type" to "BackupJobSession", "format" to "Entities",
            "filter" to "Result==Failed&State==Stopped", "pageSize" to "100")
        return get("$base/query", params)
    }

    fun jobs() = get("$base/query", hashMapOf("type" to "Job", "format" to "Entities", "pageSize" to 50))

    fun points(since: String) = raw("$base/query?type=VmRestorePoint&filter=CreationTime>=\"$since\"&pageSize=100")

    fun badPort() = raw("https://em.example.local:9419/api/query?type=Job&pageSize=10")
}
