// Azure Cache for Redis: conversation state, turn locks and redelivery detection shared by every replica.
// TLS only (port 6380, TLS 1.2). The bot connects with StackExchange.Redis and a connection string, so the access
// key is written straight into Key Vault here and never leaves Azure Resource Manager (docs/decisions/0010).

@description('Azure region.')
param location string

@description('Cache name (globally unique DNS name).')
@minLength(1)
@maxLength(63)
param name string

@description('Basic (no replica, no SLA: dev only), Standard (primary + replica) or Premium.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string

@description('Cache size: C0-C6 for Basic/Standard, P1-P5 for Premium.')
@minValue(0)
@maxValue(6)
param capacity int

@description('Key Vault (in this resource group) that receives the connection string.')
param keyVaultName string

@description('Secret name of the connection string: the bot reads it as ConnectionStrings:Redis.')
param connectionStringSecretName string

@description('Tags for every resource.')
param tags object

resource cache 'Microsoft.Cache/redis@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisVersion: '6'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: connectionStringSecretName
  properties: {
    value: '${cache.properties.hostName}:${cache.properties.sslPort},password=${cache.listKeys().primaryKey},ssl=True,abortConnect=False'
    contentType: 'StackExchange.Redis connection string'
  }
}

output hostName string = cache.properties.hostName
output connectionStringUri string = connectionString.properties.secretUri
