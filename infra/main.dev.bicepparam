// Development environment: cheapest tiers that still run the production shape (two replicas, Redis, Key Vault,
// Azure OpenAI, Azure Bot). Self-help actions use the built-in demo tenant, so no Graph permissions are needed.
//
//   export SUPPORTBOT_TICKET_SYSTEM_SECRET='<ServiceNow password>'    # required; never commit it
//   export SUPPORTBOT_IMAGE_TAG=<tag pushed by az acr build>          # default: latest
//   az deployment group create -g rg-supportbot-dev -p infra/main.dev.bicepparam
using './main.bicep'

var registry = 'contososupportbot'

param environmentName = 'dev'
param containerRegistryName = registry
param containerImage = '${registry}.azurecr.io/supportbot:${readEnvironmentVariable('SUPPORTBOT_IMAGE_TAG', 'latest')}'
param containerSize = 'small'
param minReplicas = 2
param maxReplicas = 3

param botDisplayName = 'SupportBot (dev)'
param botSku = 'F0'
// Secrets stored in Key Vault by hand (docs/deploy.md, step 6). Add each one here once it exists, then deploy again:
// 'DirectLine--Secret' (web chat), 'Slack--BotToken' (maps Slack users), 'WebChat--Intranet--SigningKey'.
param storedSecrets = []
param slackClientId = readEnvironmentVariable('SUPPORTBOT_SLACK_CLIENT_ID', '')
param slackClientSecret = readEnvironmentVariable('SUPPORTBOT_SLACK_CLIENT_SECRET', '')
param slackSigningSecret = readEnvironmentVariable('SUPPORTBOT_SLACK_SIGNING_SECRET', '')
param slackVerificationToken = readEnvironmentVariable('SUPPORTBOT_SLACK_VERIFICATION_TOKEN', '')

param redisSku = 'Basic'
param redisCapacity = 0
param chatModel = {
  name: 'chat'
  model: 'gpt-4o-mini'
  version: '2024-07-18'
  sku: 'GlobalStandard'
  capacity: 10
}
param embeddingModel = {
  name: 'embeddings'
  model: 'text-embedding-3-small'
  version: '1'
  sku: 'GlobalStandard'
  capacity: 10
}
param logRetentionInDays = 30
param keyVaultAdminPrincipalId = readEnvironmentVariable('SUPPORTBOT_KEYVAULT_ADMIN_ID', '')

param tickets = {
  System: 'ServiceNow'
  InstanceUrl: 'https://dev12345.service-now.com'
  UserName: 'supportbot.integration'
  AssignmentGroup: 'Service Desk'
}
param ticketSystemSecret = readEnvironmentVariable('SUPPORTBOT_TICKET_SYSTEM_SECRET')
param selfHelpMode = 'Sandbox'
