package com.example.vcd

import okhttp3.HttpUrl.Companion.toHttpUrl
import okhttp3.OkHttpClient
import okhttp3.Request

class VcdClient(private val base: String, private val token: String) {
    private val http = OkHttpClient()

    fun vms(vdc: String): String {
        val params = mapOf("type" to "vm", "format" to "records", "filter" to "vdc==$vdc", "pageSize" to "128")
        val url = "$base/api/query".toHttpUrl().newBuilder().apply {
            params.forEach { (k, v) -> addQueryParameter(k, v) }
        }.build()
        val req = Request.Builder().url(url).header("x-vcloud-authorization", token).build()
        return http.newCall(req).execute().body!!.string()
    }

    fun networks(): String = get("$base/api/query?type=orgVdcNetwork&format=records&filter=isShared==true")

    private fun get(url: String): String =
        http.newCall(Request.Builder().url(url).header("x-vcloud-authorization", token).build()).execute().body!!.string()
}
